using System.Globalization;
using System.Text.RegularExpressions;

namespace TsvLive.Tests.Views;

/// <summary>
/// An independent reference for views and types, in plain LINQ over strings: the contract's rules
/// written with regular expressions and .NET's own parsers, compared with the server's answers.
/// </summary>
public static partial class ViewReference
{
    [GeneratedRegex(@"^-?\d+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex Number();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$")]
    private static partial Regex Date();

    [GeneratedRegex("^(?i:true|false)$")]
    private static partial Regex Boolean();

    public static string TypeOf(IEnumerable<string> cells)
    {
        var values = cells.Where(c => c.Length > 0).ToList();
        if (values.Count == 0)
        {
            return "text";
        }
        if (values.All(v => Integer().IsMatch(v)))
        {
            return "integer";
        }
        if (values.All(v => Number().IsMatch(v)))
        {
            return "number";
        }
        if (values.All(v => Date().IsMatch(v) && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)))
        {
            return "date";
        }
        return values.All(v => Boolean().IsMatch(v)) ? "boolean" : "text";
    }

    /// <summary>The 1-based record numbers of the view's rows, in the view's order.</summary>
    public static long[] RowNumbers(IReadOnlyList<string[]> rows, IReadOnlyList<string> types, IEnumerable<string> sort, IEnumerable<string> filter, string? q)
    {
        IEnumerable<int> selected = Enumerable.Range(0, rows.Count);
        foreach (var f in filter)
        {
            var parts = f.Split(':', 3);
            var column = int.Parse(parts[0], CultureInfo.InvariantCulture) - 1;
            var value = parts.Length == 3 ? parts[2] : null;
            selected = selected.Where(r => Holds(Cell(rows[r], column), types[column], parts[1], value)).ToList();
        }
        if (q is not null)
        {
            selected = selected.Where(r => rows[r].Any(c => c.Contains(q, StringComparison.OrdinalIgnoreCase))).ToList();
        }
        IOrderedEnumerable<int>? ordered = null;
        foreach (var key in sort)
        {
            var parts = key.Split(':');
            var column = int.Parse(parts[0], CultureInfo.InvariantCulture) - 1;
            var descending = parts.Length == 2 && parts[1] == "desc";
            var comparer = new CellComparer(types[column], descending);
            ordered = ordered is null
                ? selected.OrderBy(r => Cell(rows[r], column), comparer)
                : ordered.ThenBy(r => Cell(rows[r], column), comparer);
        }
        var result = ordered?.ThenBy(r => r) ?? selected;
        return [.. result.Select(r => r + 1L)];
    }

    private static string Cell(string[] row, int column) => column < row.Length ? row[column] : "";

    private static bool Holds(string cell, string type, string op, string? value)
    {
        if (op == "empty")
        {
            return cell.Length == 0;
        }
        if (op == "nonempty")
        {
            return cell.Length > 0;
        }
        if (op == "contains")
        {
            return cell.Contains(value!, StringComparison.OrdinalIgnoreCase);
        }
        if (op == "starts")
        {
            return cell.StartsWith(value!, StringComparison.OrdinalIgnoreCase);
        }
        if (op == "ne" && cell.Length == 0)
        {
            return true;
        }
        if (cell.Length == 0)
        {
            return false;
        }
        var c = type == "text"
            ? (op is "eq" or "ne" ? (cell.Equals(value, StringComparison.OrdinalIgnoreCase) ? 0 : 1) : StringComparer.InvariantCultureIgnoreCase.Compare(cell, value))
            : Typed(cell, type).CompareTo(Typed(value!, type));
        return op switch
        {
            "eq" => c == 0,
            "ne" => c != 0,
            "lt" => c < 0,
            "le" => c <= 0,
            "gt" => c > 0,
            "ge" => c >= 0,
            _ => throw new ArgumentException(op),
        };
    }

    private static double Typed(string cell, string type) => type switch
    {
        "integer" or "number" => double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture),
        "date" => DateTimeOffset.Parse(cell, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcTicks,
        "boolean" => bool.Parse(cell) ? 1 : 0,
        _ => throw new ArgumentException(type),
    };

    /// <summary>By the column's type, empty cells last in both directions.</summary>
    private sealed class CellComparer(string type, bool descending) : IComparer<string>
    {
        public int Compare(string? x, string? y)
        {
            if (x!.Length == 0 || y!.Length == 0)
            {
                return (x.Length == 0).CompareTo(y!.Length == 0);
            }
            var c = type == "text" ? StringComparer.InvariantCultureIgnoreCase.Compare(x, y) : Typed(x, type).CompareTo(Typed(y, type));
            return descending ? -c : c;
        }
    }
}
