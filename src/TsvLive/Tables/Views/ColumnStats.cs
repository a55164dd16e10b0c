using System.Runtime.Serialization;

namespace TsvLive.Tables.Views;

/// <summary>A column's numbers (contract "Column stats"). Values are cell text; min and max are by the column's type.</summary>
[DataContract]
public sealed record ColumnStats(
    [property: DataMember(Name = "column")] int Column,
    [property: DataMember(Name = "name")] string Name,
    [property: DataMember(Name = "type")] string Type,
    [property: DataMember(Name = "count")] long Count,
    [property: DataMember(Name = "empty")] long Empty,
    [property: DataMember(Name = "distinct")] long Distinct,
    [property: DataMember(Name = "distinctIsEstimate")] bool DistinctIsEstimate,
    [property: DataMember(Name = "min")] string? Min,
    [property: DataMember(Name = "max")] string? Max,
    [property: DataMember(Name = "mean")] double? Mean,
    [property: DataMember(Name = "top")] IReadOnlyList<TopValue> Top,
    [property: DataMember(Name = "histogram")] IReadOnlyList<HistogramBin>? Histogram);

[DataContract]
public sealed record TopValue(
    [property: DataMember(Name = "value")] string Value,
    [property: DataMember(Name = "count")] long Count);

/// <summary>One bin: numbers as numbers, dates as ISO 8601 text (UTC).</summary>
[DataContract]
public sealed record HistogramBin(
    [property: DataMember(Name = "from")] object From,
    [property: DataMember(Name = "to")] object To,
    [property: DataMember(Name = "count")] long Count);
