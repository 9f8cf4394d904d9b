using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nova.Contracts;

namespace Nova.Region.Config;

/// <summary>
/// Pulls the control plane's change feed into the config cache. When the control plane is
/// unreachable it keeps the last applied snapshot and tries again: the region never stops
/// serving because of it (static stability).
/// </summary>
public sealed partial class ConfigSync(RegionOptions options, ConfigCache cache, TimeProvider time, ILogger<ConfigSync> logger) : BackgroundService
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(options.ControlUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(5) };

    // One pull at a time: two concurrent pulls could publish an older snapshot over a newer one.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public DateTimeOffset? LastSyncAt { get; private set; }

    public bool Reachable { get; private set; }

    /// <summary>The newest revision the control plane reported: applied minus this is the lag.</summary>
    public long ControlRevision { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>Pulls until the feed has no more; public so tests and start-up can sync at once.</summary>
    public async Task SyncOnceAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await PullAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task PullAsync(CancellationToken ct)
    {
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/changes?after={cache.Current.Revision}&limit=500");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ControlApiKey);
            using var response = await _http.SendAsync(request, ct);
            if (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
            {
                throw new HttpRequestException($"the control plane rejected this region's key ({(int)response.StatusCode}); check --control-key or NOVA_API_KEY");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"the control plane answered {(int)response.StatusCode} to the change feed request");
            }

            var page = await response.Content.ReadFromJsonAsync<ChangePage>(ConfigCache.Json, ct)
                ?? throw new HttpRequestException("the change feed answered an empty body");
            await cache.ApplyAsync(page, ct);
            ControlRevision = page.Head;
            Reachable = true;
            LastError = null;
            LastSyncAt = time.GetUtcNow();
            if (!page.More)
            {
                return;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (Reachable || LastError is null)
                {
                    LogUnreachable(logger, options.ControlUrl, cache.Current.Revision, e.Message);
                }

                Reachable = false;
                LastError = e.Message;
            }

            try
            {
                await Task.Delay(options.SyncInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Control plane {Url} unreachable; serving from cached configuration at revision {Revision}: {Error}")]
    private static partial void LogUnreachable(ILogger logger, string url, long revision, string error);
}
