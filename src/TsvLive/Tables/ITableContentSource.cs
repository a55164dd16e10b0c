namespace TsvLive.Tables;

/// <summary>
/// Where a version's data comes from: a finished version is its own fixed content; a new table still
/// arriving gives a newer immutable snapshot at each look. Readers take one snapshot and read only it.
/// </summary>
internal interface ITableContentSource
{
    TableContent Snapshot();
}
