using System.Runtime.Serialization;
using TsvLive.Errors;
using TsvLive.Tables.Columns;

namespace TsvLive.Tables.Views;

/// <summary>One sort key: a column (0-based here, 1-based on the wire) and its direction.</summary>
internal sealed record SortKey(int Column, bool Descending)
{
    public string ToWire() => Descending ? $"{Column + 1}:desc" : $"{Column + 1}";
}

internal enum FilterOperator
{
    Eq,
    Ne,
    Contains,
    Starts,
    Lt,
    Le,
    Gt,
    Ge,
    Empty,
    NonEmpty,
}

/// <summary>One filter: a column (0-based), an operator and, except for empty/nonempty, a value.</summary>
internal sealed record Filter(int Column, FilterOperator Operator, string? Value)
{
    public string ToWire() => Value is null ? $"{Column + 1}:{Operator.ToString().ToLowerInvariant()}" : $"{Column + 1}:{Operator.ToString().ToLowerInvariant()}:{Value}";

    /// <summary>Compares by the column's type (numbers, dates, booleans); otherwise as text.</summary>
    public bool IsTyped(ColumnType type) => type != ColumnType.Text && Operator is not (FilterOperator.Contains or FilterOperator.Starts);
}

/// <summary>
/// A view of a table (contract "Views: sort, filter, find"): sort keys, filters that must all hold,
/// and a text to find in any cell. Parsed and checked against the table's columns and types; every
/// mistake is a 400 that names the parameter.
/// </summary>
internal sealed record ViewRequest(IReadOnlyList<SortKey> Sort, IReadOnlyList<Filter> Filters, string? Find)
{
    /// <summary>The most sort keys, filters, and characters of a text to find or compare, one view may have: each costs a pass over the table.</summary>
    public const int MaxSortKeys = 10;

    public const int MaxFilters = 20;

    public const int MaxTextLength = 1000;

    public bool IsEmpty => Sort.Count == 0 && Filters.Count == 0 && Find is null;

    public bool Selects => Filters.Count > 0 || Find is not null;

    /// <summary>
    /// Which rows the view holds (not their order): the key of its filter result. The text to find in
    /// one case for all: "e" and "E" find the same rows, and are computed once.
    /// </summary>
    public string SelectionKey => $"f={string.Join('\u001f', Filters.Select(f => f.ToWire()))}\u001eq={Find?.ToUpperInvariant()}";

    /// <summary>The whole view: the key of its row order.</summary>
    public string Key => $"{SelectionKey}\u001es={string.Join(',', Sort.Select(s => s.ToWire()))}";

    public ViewDescription Describe() => new([.. Sort.Select(s => s.ToWire())], [.. Filters.Select(f => f.ToWire())], Find);

    public static ViewRequest Parse(IReadOnlyList<string>? sort, IReadOnlyList<string>? filter, string? find, IReadOnlyList<ColumnType> types)
    {
        if (sort?.Count > MaxSortKeys)
        {
            throw Bad("sort", $"a view may have at most {MaxSortKeys} sort keys; this one has {sort.Count}.");
        }
        if (filter?.Count > MaxFilters)
        {
            throw Bad("filter", $"a view may have at most {MaxFilters} filters; this one has {filter.Count}.");
        }
        if (find?.Length > MaxTextLength)
        {
            throw Bad("q", $"the text to find may be at most {MaxTextLength:N0} characters long.");
        }
        var keys = (sort ?? []).Where(s => !string.IsNullOrEmpty(s)).Select(s => ParseSort(s, types.Count)).ToList();
        var duplicate = keys.GroupBy(k => k.Column).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Bad("sort", $"column {duplicate.Key + 1} is named twice.");
        }
        var filters = (filter ?? []).Where(f => !string.IsNullOrEmpty(f)).Select(f => ParseFilter(f, types)).ToList();
        return new ViewRequest(keys, filters, string.IsNullOrEmpty(find) ? null : find);
    }

    private static SortKey ParseSort(string text, int columns)
    {
        var parts = text.Split(':');
        if (parts.Length > 2 || (parts.Length == 2 && parts[1] is not ("desc" or "asc")))
        {
            throw Bad("sort", $"'{Shorten(text)}' is not N or N:desc (N a column number from 1 to {columns}).");
        }
        return new SortKey(Column(parts[0], columns, "sort"), parts.Length == 2 && parts[1] == "desc");
    }

    private static Filter ParseFilter(string text, IReadOnlyList<ColumnType> types)
    {
        var parts = text.Split(':', 3);
        if (parts.Length < 2)
        {
            throw Bad("filter", $"'{Shorten(text)}' is not N:op or N:op:value.");
        }
        var column = Column(parts[0], types.Count, "filter");
        if (!TryOperator(parts[1], out var op))
        {
            throw Bad("filter", $"'{Shorten(parts[1])}' is not an operator; use eq, ne, contains, starts, lt, le, gt, ge, empty or nonempty.");
        }
        var value = parts.Length == 3 ? parts[2] : null;
        if (op is FilterOperator.Empty or FilterOperator.NonEmpty)
        {
            if (value is not null)
            {
                throw Bad("filter", $"'{parts[1]}' takes no value.");
            }
            return new Filter(column, op, null);
        }
        if (string.IsNullOrEmpty(value))
        {
            throw Bad("filter", $"'{parts[1]}' needs a value: {column + 1}:{parts[1]}:value.");
        }
        if (value.Length > MaxTextLength)
        {
            throw Bad("filter", $"a filter's value may be at most {MaxTextLength:N0} characters long.");
        }
        var filter = new Filter(column, op, value);
        var type = types[column];
        if (filter.IsTyped(type) && !TypedValue.TryParse(value, type, out _))
        {
            throw Bad("filter", $"column {column + 1} holds {(type == ColumnType.Integer ? "integers" : type.ToWire() + "s")}, and '{Shorten(value)}' is not one.");
        }
        return filter;
    }

    private static bool TryOperator(string text, out FilterOperator op)
    {
        op = text switch
        {
            "eq" => FilterOperator.Eq,
            "ne" => FilterOperator.Ne,
            "contains" => FilterOperator.Contains,
            "starts" => FilterOperator.Starts,
            "lt" => FilterOperator.Lt,
            "le" => FilterOperator.Le,
            "gt" => FilterOperator.Gt,
            "ge" => FilterOperator.Ge,
            "empty" => FilterOperator.Empty,
            "nonempty" => FilterOperator.NonEmpty,
            _ => (FilterOperator)(-1),
        };
        return op >= 0;
    }

    private static int Column(string text, int columns, string parameter) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= columns
            ? n - 1
            : throw Bad(parameter, $"'{Shorten(text)}' is not a column number; this table has columns 1 to {columns}.");

    /// <summary>Refuses a 1-based <paramref name="column"/> the table does not have (a 400 naming the parameter "column").</summary>
    public static void RequireColumn(int column, int columns)
    {
        if (column < 1 || column > columns)
        {
            throw Bad("column", $"{column} is not a column number; this table has columns 1 to {columns:N0}.");
        }
    }

    private static InvalidPageRequestException Bad(string parameter, string detail) => new($"{parameter}: {detail}");

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

/// <summary>The view a page shows, as the server understood it.</summary>
[DataContract]
public sealed record ViewDescription(
    [property: DataMember(Name = "sort")] IReadOnlyList<string> Sort,
    [property: DataMember(Name = "filter")] IReadOnlyList<string> Filter,
    [property: DataMember(Name = "q")] string? Q);
