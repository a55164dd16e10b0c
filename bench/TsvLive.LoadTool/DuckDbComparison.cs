using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;

namespace TsvLive.LoadTool;

/// <summary>
/// The engine a data person would load the file into instead: DuckDB in memory (2 threads), in this
/// process, loading the very bytes the views scenario uploaded and answering the same questions, each
/// timed cold after the load (issue 20). Every question is asked for what TsvLive's answer holds: a
/// page of 100 rows and, for a filter, the view's row count (a second query), or a column's stats (count, empty, distinct, min, max, mean,
/// the 10 most common values, and for numbers a 20-bin histogram).
/// </summary>
internal sealed class DuckDbComparison(TextWriter report)
{
    private const string Columns = "id, name, city, amount, date, note";

    public void Run(byte[] file)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tsvlive-duckdb-{Environment.ProcessId}.tsv");
        File.WriteAllBytes(path, file);
        try
        {
            var rssBefore = ResidentBytes();
            using var db = new DuckDBConnection("DataSource=:memory:");
            db.Open();
            Execute(db, "SET threads = 2");
            var load = Time(db, $"CREATE TABLE t AS SELECT * FROM read_csv('{path}', delim = '\t', header = true, quote = '\"', escape = '\"')");
            var afterLoad = ResidentBytes() - rssBefore;
            var rows = long.Parse(Scalar(db, "SELECT count(*) FROM t"), CultureInfo.InvariantCulture);
            Line($"## DuckDB {Scalar(db, "SELECT version()")} on the same {file.Length / 1e6:0} MB file, in memory, 2 threads, in the load tool's process");
            Line($"- load (`CREATE TABLE t AS SELECT * FROM read_csv(...)`): {load:0} ms, {rows:N0} rows, process memory +{afterLoad / 1e6:0} MB");
            Line($"- first page sorted by an integer column (id, descending): {Time(db, Page("ORDER BY id DESC")):0} ms");
            Line($"- page 5,000 of that sort: {Time(db, Page("ORDER BY id DESC", offset: 499_900)):0} ms per request; keeping the whole order instead (`CREATE TABLE ... ORDER BY`): {Time(db, "CREATE TABLE sorted AS SELECT * FROM t ORDER BY id DESC"):0} ms");
            Line($"- first page sorted by a text column (name, all distinct; `lower(name)`: case-insensitive, as TsvLive sorts text): {Time(db, Page("ORDER BY lower(name)")):0} ms");
            Line($"- first page sorted by a text column (city, 977 values): {Time(db, Page("ORDER BY lower(city)")):0} ms");
            Line($"- filter `contains` on one text column (city contains \"city 97\", case-insensitive as TsvLive's): {TimeAll(db, Filtered("WHERE contains(lower(city), 'city 97')")):0} ms");
            Line($"- filter `gt` on a number column (amount > 1000): {TimeAll(db, Filtered("WHERE amount > 1000")):0} ms");
            Line($"- find across all columns, a rare word (\"Name 777777\", case-insensitive): {TimeAll(db, Filtered($"WHERE contains(lower(concat_ws(chr(9), {Columns})), 'name 777777')")):0} ms");
            Line($"- find, a common word (\"quoted\"): {TimeAll(db, Filtered($"WHERE contains(lower(concat_ws(chr(9), {Columns})), 'quoted')")):0} ms");
            Line($"- stats of a number column (amount): {TimeAll(db, [.. Stats("amount"), Histogram("amount")]):0} ms; of a text column (city): {TimeAll(db, Stats("city")):0} ms");
            Line($"- process memory after all of the above: +{(ResidentBytes() - rssBefore) / 1e6:0} MB");
            Line("");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A page of 100 rows of a sort (the view's row count is the table's: known).</summary>
    private static string Page(string order, int offset = 0) => $"SELECT * FROM t {order} LIMIT 100 OFFSET {offset}";

    /// <summary>A page of 100 rows of a filter and the view's row count, as TsvLive's page gives both.</summary>
    private static string[] Filtered(string where) => [$"SELECT * FROM t {where} LIMIT 100", $"SELECT count(*) FROM t {where}"];

    private static string[] Stats(string column) =>
    [
        $"SELECT count({column}), count(*) FILTER (WHERE {column} IS NULL OR CAST({column} AS VARCHAR) = ''), count(DISTINCT {column}), min({column}), max({column}), " +
        $"{(column == "amount" ? $"avg({column})" : "NULL")} FROM t",
        $"SELECT {column}, count(*) AS n FROM t GROUP BY {column} ORDER BY n DESC LIMIT 10",
    ];

    private static string Histogram(string column) =>
        $"WITH r AS (SELECT min({column}) AS lo, max({column}) AS hi FROM t) " +
        $"SELECT least(19, floor(({column} - lo) / nullif(hi - lo, 0) * 20)) AS bin, count(*) FROM t, r GROUP BY bin ORDER BY bin";

    private static double Time(DuckDBConnection db, string sql) => TimeAll(db, sql);

    private static double TimeAll(DuckDBConnection db, params string[] queries)
    {
        var watch = Stopwatch.StartNew();
        foreach (var sql in queries)
        {
            Execute(db, sql);
        }
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Runs the query and reads every row it returns (as a client would).</summary>
    private static void Execute(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new object[reader.FieldCount];
        while (reader.Read())
        {
            reader.GetValues(values);
        }
    }

    private static string Scalar(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    private static long ResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private void Line(string text)
    {
        report.WriteLine(text);
        report.Flush();
    }
}
