using CsvHelper;
using TsvLive.Tables.Text;

namespace TsvLive.Tables.Ingest;

/// <summary>
/// Finds a file's separator from its first bytes (see the contract's "Separators"): the candidate that
/// splits the records of <see cref="SampleBytes"/> (quoting respected) into the same number of fields,
/// at least 2, most consistently. Tab wins any tie, and a file no candidate splits is tab (one column),
/// so every TSV reads as it did before separators were detected.
/// </summary>
internal static class SeparatorDetector
{
    /// <summary>How much of the text is looked at (all of a shorter file).</summary>
    public const int SampleBytes = 64 * 1024;

    /// <summary>
    /// The share of the records that the most common field count must exceed (more than half): a
    /// ragged CSV still reads as CSV, prose with a comma here and there does not.
    /// </summary>
    private const double MinConsistency = 0.5;

    /// <param name="sample">The start of the text.</param>
    /// <param name="whole">Whether <paramref name="sample"/> is the whole text (else its last record may be cut, and is not counted).</param>
    public static Separator Detect(ReadOnlyMemory<byte> sample, bool whole)
    {
        if (StartsWithSeparatorHint(sample.Span))
        {
            return Separator.Tab;
        }
        var best = Separator.Tab;
        var bestScore = 0.0;
        foreach (var candidate in SeparatorNames.All)
        {
            var score = Consistency(sample, whole, candidate, Dialect.Quoted) ?? Consistency(sample, whole, candidate, Dialect.Plain) ?? 0;
            if (score > bestScore)
            {
                (best, bestScore) = (candidate, score);
            }
        }
        return best;
    }

    /// <summary>
    /// Excel's <c>sep=;</c> first line names the separator for Excel, which hides that line. TsvLive
    /// shows every line of a file, so it does not guess past it: such a file reads as tab (as before
    /// separators were detected), and its owner picks the separator (a reread).
    /// </summary>
    private static bool StartsWithSeparatorHint(ReadOnlySpan<byte> text)
    {
        ReadOnlySpan<byte> byteOrderMark = [0xEF, 0xBB, 0xBF];
        text = text.StartsWith(byteOrderMark) ? text[3..] : text;
        return text.Length >= 6 && text.StartsWith("sep="u8) && text[5] is (byte)'\r' or (byte)'\n';
    }

    /// <summary>
    /// The share of the sample's records whose field count is the most common one, when that count is
    /// at least 2, held by at least two records (a header alone, such as one line of JSON, is not
    /// split) and by more than <see cref="MinConsistency"/> of them; 0 otherwise; null when a quote
    /// breaks RFC 4180 in the quoted dialect (the file is read plain then, so the sample is too).
    /// </summary>
    private static double? Consistency(ReadOnlyMemory<byte> sample, bool whole, Separator separator, Dialect dialect)
    {
        var brokenAt = long.MaxValue;
        var options = RecordFormat.Options(separator, dialect, maxRecordBytes: null, dialect == Dialect.Quoted
            ? record =>
            {
                if (record.Reason is CsvMalformedReason.UnterminatedQuote or CsvMalformedReason.TextAfterClosingQuote)
                {
                    brokenAt = Math.Min(brokenAt, record.RecordNumber);
                }
            }
            : null);
        var counts = new List<int>();
        using (var reader = CsvReader.Create(sample, options))
        {
            while (reader.Read())
            {
                counts.Add(reader.FieldCount);
            }
        }
        if (!whole && counts.Count > 1)
        {
            counts.RemoveAt(counts.Count - 1); // cut by the end of the sample
        }
        if (brokenAt <= counts.Count)
        {
            return null;
        }
        if (counts.Count == 0)
        {
            return 0;
        }
        var (fields, records) = counts.CountBy(c => c).OrderByDescending(g => g.Value).ThenByDescending(g => g.Key).First();
        var share = (double)records / counts.Count;
        return fields >= 2 && records >= 2 && share > MinConsistency ? share : 0;
    }
}
