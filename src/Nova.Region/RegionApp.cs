using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nova.Contracts;
using Nova.Hosting;
using Nova.Region.Config;
using Nova.Region.Incidents;
using Nova.Region.Ingest;
using Nova.Region.Keys;
using Nova.Security;
using Nova.Storage;

namespace Nova.Region;

/// <summary>Builds one region's data plane: ingest, incidents, config cache, audit, keys.</summary>
public static class RegionApp
{
    public static WebApplication Build(RegionOptions options, TimeProvider? time = null, LogLevel logLevel = LogLevel.Warning)
    {
        time ??= TimeProvider.System;
        var folderLock = DataFolderLock.Acquire(options.DataFolder);
        try
        {
            return Build(options, time, logLevel, folderLock);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    private static WebApplication Build(RegionOptions options, TimeProvider time, LogLevel logLevel, DataFolderLock folderLock)
    {
        var database = new SqliteDatabase(options.DatabasePath, options.StoreBusyTimeout);
        database.Migrate(typeof(RegionApp).Assembly, "Nova.Region.Migrations.");
        var writer = new GroupCommitWriter(database);
        var config = new ConfigCache(database, writer);
        config.Load();
        var keys = new KeyRing(options.Name, KeyFile.LoadOrCreate(options.KeyFilePath), database);

        var builder = NovaHost.CreateBuilder(options.Url, logLevel);
        builder.Services.AddSingleton(_ => folderLock); // a factory registration: the app disposes it, releasing the folder
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(writer);
        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton<IncidentStore>();
        builder.Services.AddSingleton(new AuditLog(database));
        builder.Services.AddSingleton<ConfigSync>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConfigSync>());
        builder.Services.AddHostedService<StaleSweeper>();
        var app = builder.Build();
        _ = app.Services.GetRequiredService<DataFolderLock>(); // resolved now, so disposing the app releases it
        app.Services.GetRequiredService<IncidentStore>().ResumeClock();
        app.UseNovaDefaults();
        app.MapGet("/healthz", () => writer.Failed.IsCompleted
            ? Problems.Unavailable($"Region {options.Name} stopped taking writes: its store could not sync to disk; restart it.")
            : TypedResults.Ok(new { status = "ok", role = "region", region = options.Name }));
        // A failed fsync leaves the store unable to promise durability: stop, so that whatever
        // supervises the region restarts it and SQLite recovers from what is on disk.
        writer.Failed.ContinueWith(failed =>
        {
            app.Logger.LogCritical(failed.Result, "Region {Region}: the store could not sync its log to disk; stopping (restart to recover)", options.Name);
            app.Lifetime.StopApplication();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        app.MapGet("/v1/status", async (HttpContext http, ConfigCache cache, ConfigSync sync) =>
        {
            var snapshot = cache.Current;
            // Open to monitoring; how many customers live here only to operators.
            var (caller, _) = http.Request.Headers.Authorization.Count == 0
                ? (null, null)
                : await ApiKeyAuth.AuthenticateAsync(http.Request, keyId => new ValueTask<ApiKeyDoc?>(snapshot.ApiKeys.GetValueOrDefault(keyId)), "");
            var operatorView = caller is { IsOperator: true };
            return TypedResults.Ok(new RegionStatus(
                options.Name, snapshot.Revision, sync.ControlRevision, sync.LastSyncAt, sync.Reachable, sync.LastError,
                operatorView ? snapshot.Tenants.Values.Count(t => t.AllowedRegions.Contains(options.Name)) : null,
                operatorView ? snapshot.Services.Values.Count(s => s.HomeRegion == options.Name) : null));
        });
        app.MapIngest();
        app.MapIncidents();
        app.Lifetime.ApplicationStopped.Register(() => writer.DisposeAsync().AsTask().GetAwaiter().GetResult());
        return app;
    }
}

/// <summary>Auto-resolves alerts past their service's staleness timeout.</summary>
internal sealed partial class StaleSweeper(RegionOptions options, ConfigCache config, IncidentStore store, TimeProvider time, ILogger<StaleSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.StaleSweepInterval, time, stoppingToken);
                var local = config.Current.Services.Values.Where(s => s.HomeRegion == options.Name);
                var resolved = await store.SweepStaleAsync(local, stoppingToken);
                if (resolved > 0)
                {
                    LogSwept(logger, resolved);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Auto-resolved {Count} stale alerts")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Staleness sweep failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
