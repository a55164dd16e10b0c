using System.ComponentModel.DataAnnotations;

namespace TsvLive;

/// <summary>Settings of the <c>TsvLive</c> configuration section. The defaults here are the product's defaults.</summary>
public sealed class TsvLiveOptions
{
    public const string Section = "TsvLive";

    /// <summary>
    /// Where finished tables are kept, so links survive a restart (relative to the working directory);
    /// empty keeps tables in memory only.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The console log: <c>text</c> (lines for a person) or <c>json</c> (one JSON object per line, for a log collector).</summary>
    [RegularExpression("^(?i:text|json)$", ErrorMessage = "The value must be text or json.")]
    public string LogFormat { get; set; } = "text";

    /// <summary>The most bytes the data directory may hold (the tables' files); none by default. 507 "Storage full" beyond it.</summary>
    [Range(1, long.MaxValue)]
    public long? MaxDiskBytes { get; set; }

    /// <summary>The part of <see cref="MaxDiskBytes"/> the tables one client address uploaded may hold (0 to 1).</summary>
    [Range(0.01, 1.0)]
    public double MaxDiskBytesShare { get; set; } = 0.5;

    /// <summary>
    /// How many versions of each table are kept (the current one and the ones before it), for
    /// <c>?version=N</c> and changes; fewer only when the memory or disk budget needs the room (oldest first).
    /// </summary>
    [Range(1, 1000)]
    public int KeepVersions { get; set; } = 5;

    /// <summary>Append streams (rows appended to tables, <c>POST /rows</c>) one client address may have open at once; more is 429.</summary>
    [Range(1, 10_000)]
    public int MaxAppendStreamsPerAddress { get; set; } = 4;

    /// <summary>Tables not viewed for this long are deleted (a background sweep logs each); off by default.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan? ExpireAfter { get; set; }

    /// <summary>The largest file accepted, in bytes (413 above it).</summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 1L << 30;

    /// <summary>The most table data (uploaded bytes) held at once; by default half the memory the process may use. 507 when full.</summary>
    [Range(1, long.MaxValue)]
    public long? MaxBytesInMemory { get; set; }

    /// <summary>The part of <see cref="MaxBytesInMemory"/> one client address may hold (0 to 1).</summary>
    [Range(0.01, 1.0)]
    public double MaxBytesInMemoryShare { get; set; } = 0.5;

    /// <summary>New tables one client address may create per hour (replacements do not count).</summary>
    [Range(1, 1_000_000)]
    public int NewTablesPerHour { get; set; } = 600;

    /// <summary>The largest single record, in bytes; guards against an unclosed quote at the start of a huge file.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxRecordBytes { get; set; } = 64 << 20;

    /// <summary>The most columns a table may have (a file that is one long line of tabs is refused).</summary>
    [Range(1, 1_000_000)]
    public int MaxColumns { get; set; } = 10_000;

    /// <summary>The largest header row (all column names together), in bytes: every table info and notice carries it.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxHeaderBytes { get; set; } = 256 * 1024;

    /// <summary>The most cell text one page may carry, in bytes (UTF-8); a larger page is refused: ask for fewer rows.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxPageBytes { get; set; } = 4 << 20;

    /// <summary>
    /// The most bytes of one cell a page carries; a longer cell is cut there, the page says so
    /// (<c>truncated</c>), and the whole cell is read on its own (<c>/cells/{row}/{column}</c>).
    /// </summary>
    [Range(16, int.MaxValue)]
    public int MaxCellBytesInPage { get; set; } = 16 * 1024;

    /// <summary>Page reads (HTTP and hub together) one client address may have running at once; more wait their turn.</summary>
    [Range(1, 10_000)]
    public int MaxPageReadsPerAddress { get; set; } = 8;

    /// <summary>
    /// Page reads of one client address that may wait for a place (an office whose 500 viewers all
    /// reload at a replacement); past that, 429.
    /// </summary>
    [Range(0, 100_000)]
    public int MaxQueuedPageReadsPerAddress { get; set; } = 1000;

    /// <summary>
    /// View and column-stat computations (not cached yet) that run at once, all addresses together;
    /// by default one fewer than the cores (at least one). The others wait, taking turns by address.
    /// </summary>
    [Range(1, 1024)]
    public int? MaxViewComputations { get; set; }

    /// <summary>View and column-stat computations one address may have waiting; past that, 429.</summary>
    [Range(1, 10_000)]
    public int MaxQueuedViewsPerAddress { get; set; } = 8;

    /// <summary>How long a page read waits for a place before it is refused (429): places held by stuck readers are not waited for forever.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxPageReadWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most cells one page may carry (rows × columns); wide tables get shorter pages.</summary>
    [Range(1, int.MaxValue)]
    public int MaxCellsPerPage { get; set; } = 1_000_000;

    /// <summary>Uploads one hub connection may run at once.</summary>
    [Range(1, 1000)]
    public int MaxUploadsPerConnection { get; set; } = 2;

    /// <summary>Uploads one client address may run at once (HTTP and hub together).</summary>
    [Range(1, 10_000)]
    public int MaxUploadsPerAddress { get; set; } = 4;

    /// <summary>Uploads (new tables and replacements) one client address may start per minute.</summary>
    [Range(1, 100_000)]
    public int UploadsPerMinute { get; set; } = 60;

    /// <summary>Hub calls (pages, watches, uploads) one connection may make per second, on average.</summary>
    [Range(1, 100_000)]
    public int HubCallsPerSecond { get; set; } = 50;

    /// <summary>An upload that sends too little for this long (see <see cref="MinUploadBytesPerSecond"/>) is dropped: a trickling or stalled client.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan UploadIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The slowest an upload may be, averaged over <see cref="UploadIdleTimeout"/> (Kestrel's own minimum request body rate).</summary>
    [Range(0, int.MaxValue)]
    public int MinUploadBytesPerSecond { get; set; } = 240;

    /// <summary>The most connections the server keeps open at once (HTTP and WebSockets together).</summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 20_000;

    /// <summary>
    /// The most connections one client address may hold open at once, so one address cannot lock
    /// everyone out; by default a twentieth of <see cref="MaxConnections"/> (1,000 of 20,000: an
    /// office or a school behind one address gets in, a flood holds 5% at most).
    /// </summary>
    [Range(1, 1_000_000)]
    public int? MaxConnectionsPerAddress { get; set; }

    /// <summary><see cref="MaxConnectionsPerAddress"/>, or its default.</summary>
    public int ConnectionsPerAddress => MaxConnectionsPerAddress ?? Math.Max(1, MaxConnections / 20);

    /// <summary>
    /// IPv6 clients are counted by their network of this many bits (a home or office line usually
    /// has a /64 to itself); IPv4 clients by their address.
    /// </summary>
    [Range(32, 128)]
    public int IPv6PrefixLength { get; set; } = 64;

    /// <summary>How long a connection may sit idle (before its first request, or between requests) before it is closed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan IdleConnectionTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// New hub connections one client address may open per minute: a bucket of this many, refilled
    /// evenly over the minute, so an office's viewers arriving together all get in and a flood is
    /// slowed to the refill rate.
    /// </summary>
    [Range(1, 1_000_000)]
    public int HubConnectionsPerMinute { get; set; } = 600;

    /// <summary>The largest page size a client may ask for.</summary>
    [Range(1, 100_000)]
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>The page size when a client does not say.</summary>
    [Range(1, 100_000)]
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>The longest table name kept; longer names are cut.</summary>
    [Range(1, 4096)]
    public int MaxNameLength { get; set; } = 255;

    /// <summary>How often upload progress and viewer counts are sent at most, per table.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan NotificationInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>With several instances (Redis): how often each checks that the tables it holds are on their newest stored version.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan VersionCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>With several instances (Redis): how long an instance may stay silent before its viewers leave the counts.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan InstanceTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Other sites whose pages may connect to the hub (e.g. https://intranet.example.com); none by default.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Reverse proxies in front of TsvLive (addresses or networks, such as 10.0.0.5 or 172.16.0.0/12),
    /// whose X-Forwarded-For and X-Forwarded-Proto are trusted; none by default.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>
    /// Who may read /metrics (addresses or networks, as the client address is seen after a known
    /// proxy's headers); empty means loopback and the private ranges (10.0.0.0/8, 172.16.0.0/12,
    /// 192.168.0.0/16, fc00::/7), where a Prometheus server usually scrapes from. Others get 403.
    /// </summary>
    public string[] MetricsNetworks { get; set; } = [];

    /// <summary>
    /// The address that view and edit links start with, such as https://tsv.example.com; from the
    /// request when not set. Pages from this origin may connect to the hub.
    /// </summary>
    [Url]
    public string? PublicBaseUrl { get; set; }
}
