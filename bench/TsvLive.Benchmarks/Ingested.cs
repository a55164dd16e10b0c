using TsvLive.Tables;
using TsvLive.Tables.Ingest;

namespace TsvLive.Benchmarks;

internal static class Ingested
{
    /// <summary>A file taken in 64 KiB chunks exactly as an upload is: stored, checked and indexed.</summary>
    public static async Task<TableContent> LoadAsync(byte[] file)
    {
        var ingest = new TableIngest(new TsvLiveOptions { MaxUploadBytes = long.MaxValue, MaxRecordBytes = 64 << 20 });
        await using (ingest)
        {
            for (var offset = 0; offset < file.Length; offset += ChunkSources.ChunkSize)
            {
                ingest.Append(file.AsSpan(offset, Math.Min(ChunkSources.ChunkSize, file.Length - offset)));
            }
            return await ingest.CompleteAsync(CancellationToken.None);
        }
    }
}
