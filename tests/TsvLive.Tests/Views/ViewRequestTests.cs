using TsvLive.Errors;
using TsvLive.Tables.Columns;
using TsvLive.Tables.Views;

namespace TsvLive.Tests.Views;

/// <summary>Reading a view from its parameters, and the words of every refusal (no server).</summary>
public sealed class ViewRequestTests
{
    private static readonly ColumnType[] s_types = [ColumnType.Integer, ColumnType.Text, ColumnType.Date];

    [Fact]
    public void SortKeysFiltersAndTheTextToFindAreReadInOrder()
    {
        var view = ViewRequest.Parse(["3:desc", "1", "2:asc"], ["1:ge:10", "2:contains:a:b", "3:empty"], "oslo", s_types);

        Assert.Equal([new SortKey(2, true), new SortKey(0, false), new SortKey(1, false)], view.Sort);
        Assert.Equal([new Filter(0, FilterOperator.Ge, "10"), new Filter(1, FilterOperator.Contains, "a:b"), new Filter(2, FilterOperator.Empty, null)], view.Filters);
        Assert.Equal("oslo", view.Find);
        Assert.Equal(new[] { "3:desc", "1", "2" }, view.Describe().Sort);
    }

    [Fact]
    public void EmptyPartsAreNoView()
    {
        var view = ViewRequest.Parse(["", null!], [""], "", s_types);
        Assert.Empty(view.Sort);
        Assert.Empty(view.Filters);
        Assert.Null(view.Find);
    }

    [Fact]
    public void TheTextToFindIsOneEntryInEitherCaseButTheSortIsPartOfTheKey()
    {
        var lower = ViewRequest.Parse(null, null, "row", s_types);
        var upper = ViewRequest.Parse(["1"], null, "ROW", s_types);
        Assert.Equal(lower.SelectionKey, upper.SelectionKey);
        Assert.NotEqual(lower.Key, upper.Key);
    }

    [Theory]
    [InlineData("sort", "9", "sort: '9' is not a column number; this table has columns 1 to 3.")]
    [InlineData("sort", "0", "sort: '0' is not a column number; this table has columns 1 to 3.")]
    [InlineData("sort", "+1", "sort: '+1' is not a column number; this table has columns 1 to 3.")]
    [InlineData("sort", "1:up", "sort: '1:up' is not N or N:desc (N a column number from 1 to 3).")]
    [InlineData("filter", "1", "filter: '1' is not N:op or N:op:value.")]
    [InlineData("filter", "1:like:a", "filter: 'like' is not an operator; use eq, ne, contains, starts, lt, le, gt, ge, empty or nonempty.")]
    [InlineData("filter", "1:eq", "filter: 'eq' needs a value: 1:eq:value.")]
    [InlineData("filter", "1:empty:x", "filter: 'empty' takes no value.")]
    [InlineData("filter", "1:gt:1,5", "filter: column 1 holds integers, and '1,5' is not one.")]
    [InlineData("filter", "3:lt:2023-02-30", "filter: column 3 holds dates, and '2023-02-30' is not one.")]
    public void EachMistakeIsRefusedWithWordsThatNameIt(string parameter, string value, string detail)
    {
        var error = Assert.Throws<InvalidPageRequestException>(() =>
            parameter == "sort" ? ViewRequest.Parse([value], null, null, s_types) : ViewRequest.Parse(null, [value], null, s_types));
        Assert.Equal(detail, error.Message);
    }

    [Fact]
    public void AColumnSortedTwiceIsRefused()
    {
        var error = Assert.Throws<InvalidPageRequestException>(() => ViewRequest.Parse(["2", "2:desc"], null, null, s_types));
        Assert.Equal("sort: column 2 is named twice.", error.Message);
    }

    [Fact]
    public void TextComparisonsOnATypedColumnTakeAnyValue()
    {
        var view = ViewRequest.Parse(null, ["1:contains:x", "3:starts:20"], null, s_types);
        Assert.Equal(2, view.Filters.Count);
    }
}
