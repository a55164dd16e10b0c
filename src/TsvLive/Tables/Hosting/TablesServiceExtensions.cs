using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TsvLive.Limits;
using TsvLive.Operations;
using TsvLive.Tables.Appends;
using TsvLive.Tables.Changes;
using TsvLive.Tables.Memory;
using TsvLive.Tables.Paging;
using TsvLive.Tables.Registry;
using TsvLive.Tables.Storage;
using TsvLive.Tables.Uploads;
using TsvLive.Tables.Views;

namespace TsvLive.Tables.Hosting;

internal static class TablesServiceExtensions
{
    public static IServiceCollection AddTables(this IServiceCollection services)
    {
        services.AddOptions<TsvLiveOptions>()
            .BindConfiguration(TsvLiveOptions.Section)
            .Validate(o => o.DefaultPageSize <= o.MaxPageSize, "TsvLive:DefaultPageSize must not exceed TsvLive:MaxPageSize.")
            .Validate(o => o.KnownProxies.All(p => IpNetworks.TryParse(p) is not null), "TsvLive:KnownProxies must be IP addresses or networks, such as 10.0.0.5 or 10.0.0.0/8.")
            .Validate(o => o.MetricsNetworks.All(p => IpNetworks.TryParse(p) is not null), "TsvLive:MetricsNetworks must be IP addresses or networks, such as 10.0.0.5 or 10.0.0.0/8.")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TsvLiveOptions>, TsvLiveOptionsValidator>();
        services.AddHostedService<UnknownSettingsWarning>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TableStore>();
        services.AddSingleton<StoredTableReader>();
        services.AddSingleton<TableCatchUp>();
        services.AddSingleton<RowsCatchUp>();
        services.AddSingleton<TableMemory>();
        services.AddSingleton(provider => provider.GetRequiredService<TableMemory>().Caches);
        // The data directory unless TsvLive:DataDirectory is empty (memory only), when no cluster store was registered before.
        services.TryAddSingleton<ITableStorage>(provider =>
            string.IsNullOrWhiteSpace(provider.GetRequiredService<IOptions<TsvLiveOptions>>().Value.DataDirectory)
                ? new MemoryOnlyStorage()
                : ActivatorUtilities.CreateInstance<DataDirectoryStorage>(provider));
        services.AddSingleton<PageReader>();
        services.AddSingleton<ViewEngine>();
        services.AddSingleton<ViewWorkQueue>();
        services.AddSingleton<ViewBasis>();
        services.AddSingleton<ColumnStatsReader>();
        services.AddSingleton<ChangesCache>();
        services.AddSingleton<ChangesReader>();
        services.AddSingleton<PageReadGate>();
        services.AddSingleton<UploadService>();
        services.AddSingleton<TableDeletion>();
        services.AddSingleton<TableAppender>();
        services.AddSingleton<UploadGate>();
        services.AddSingleton<UploadDrain>();
        services.AddSingleton<MemoryBudget>();
        services.AddHostedService<TableExpiry>();
        return services;
    }
}
