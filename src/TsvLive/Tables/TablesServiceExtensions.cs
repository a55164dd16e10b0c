using TsvLive.Tables.Ingest;
using TsvLive.Tables.Paging;
using TsvLive.Tables.Storage;

namespace TsvLive.Tables;

internal static class TablesServiceExtensions
{
    public static IServiceCollection AddTables(this IServiceCollection services)
    {
        services.AddOptions<TsvLiveOptions>()
            .BindConfiguration(TsvLiveOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.DefaultPageSize <= o.MaxPageSize, "TsvLive:DefaultPageSize must not exceed TsvLive:MaxPageSize.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TableStore>();
        services.AddSingleton<PageReader>();
        services.AddSingleton<PageReadGate>();
        services.AddSingleton<UploadService>();
        services.AddSingleton<UploadGate>();
        services.AddSingleton<UploadDrain>();
        services.AddSingleton<MemoryBudget>();
        return services;
    }
}
