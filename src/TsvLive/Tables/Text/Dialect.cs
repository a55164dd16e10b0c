namespace TsvLive.Tables.Text;

/// <summary>How quotes are read in a file (see the contract's "Quoting dialect").</summary>
internal enum Dialect
{
    /// <summary>RFC 4180 quoting, as Excel writes it.</summary>
    Quoted,

    /// <summary>IANA text/tab-separated-values: a quote is an ordinary character, every line break ends a record.</summary>
    Plain,
}

internal static class DialectNames
{
    public static string ToWire(this Dialect dialect) => dialect == Dialect.Quoted ? "quoted" : "plain";
}
