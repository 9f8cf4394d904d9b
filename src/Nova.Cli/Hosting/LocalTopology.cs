using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Nova.ControlPlane;
using Nova.Contracts;
using Nova.Region;

namespace Nova.Cli.Hosting;

/// <summary>Where a running local topology can be reached; written to topology.json for the CLI.</summary>
public sealed record TopologyInfo(string ControlUrl, IReadOnlyDictionary<string, string> Regions, string DataFolder, string OperatorKeyFile);

/// <summary>
/// The whole topology in one process: the control plane and one data plane per region,
/// each on its own loopback port with its own SQLite database. Used by <c>nova up</c> and by
/// the integration tests; each role still talks to the others over real HTTP only.
/// </summary>
public sealed class LocalTopology : IAsyncDisposable
{
    public static readonly IReadOnlyList<string> DefaultRegions = ["eu-west-1", "eu-central-1", "us-east-1"];

    private readonly Dictionary<string, WebApplication> _regions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RegionOptions> _regionOptions = new(StringComparer.Ordinal);
    private WebApplication? _control;
    private ControlPlaneOptions? _controlOptions;

    private LocalTopology(TopologyInfo info, TimeProvider time, LogLevel logLevel, TimeSpan syncInterval, TimeSpan? staleSweepInterval, TimeSpan? storeBusyTimeout)
    {
        Info = info;
        Time = time;
        LogLevel = logLevel;
        SyncInterval = syncInterval;
        StaleSweepInterval = staleSweepInterval;
        StoreBusyTimeout = storeBusyTimeout;
    }

    public TopologyInfo Info { get; }

    public TimeProvider Time { get; }

    public LogLevel LogLevel { get; }

    public TimeSpan SyncInterval { get; }

    /// <summary>The regions' staleness sweep interval; null keeps <see cref="RegionOptions"/>' default.</summary>
    public TimeSpan? StaleSweepInterval { get; }

    /// <summary>The regions' SQLite busy timeout; null keeps <see cref="RegionOptions"/>' default.</summary>
    public TimeSpan? StoreBusyTimeout { get; }

    public string OperatorKey { get; private set; } = "";

    public static string TopologyFile(string dataFolder) => Path.Combine(dataFolder, "topology.json");

    public static string ControlFolder(string dataFolder) => Path.Combine(dataFolder, "control");

    public static string RegionFolder(string dataFolder, string region) => Path.Combine(dataFolder, "regions", region);

    /// <summary>
    /// Starts everything. <paramref name="basePort"/> 0 picks free ports (tests); otherwise the
    /// control plane takes basePort and region i takes basePort + 1 + i. Tests that drive a fake
    /// clock pass a short <paramref name="staleSweepInterval"/> (in the clock's time); tests that
    /// lock a region's database pass a short <paramref name="storeBusyTimeout"/>.
    /// </summary>
    public static async Task<LocalTopology> StartAsync(
        string dataFolder, IReadOnlyList<string> regions, int basePort, TimeProvider? time = null, LogLevel logLevel = LogLevel.Warning,
        TimeSpan? syncInterval = null, Action<string>? progress = null, TimeSpan? staleSweepInterval = null, TimeSpan? storeBusyTimeout = null, CancellationToken ct = default)
    {
        dataFolder = Path.GetFullPath(dataFolder);
        var ports = basePort == 0 ? FreePorts(regions.Count + 1) : Enumerable.Range(basePort, regions.Count + 1).ToList();
        var controlUrl = $"http://127.0.0.1:{ports[0]}";
        var regionUrls = regions.Select((r, i) => (r, url: $"http://127.0.0.1:{ports[i + 1]}")).ToDictionary(p => p.r, p => p.url, StringComparer.Ordinal);
        var info = new TopologyInfo(controlUrl, regionUrls, dataFolder, Path.Combine(ControlFolder(dataFolder), "operator.key"));
        var topology = new LocalTopology(info, time ?? TimeProvider.System, logLevel, syncInterval ?? TimeSpan.FromMilliseconds(500), staleSweepInterval, storeBusyTimeout);
        try
        {
            progress?.Invoke($"starting control plane on {controlUrl}");
            await topology.StartControlAsync(ct);
            foreach (var region in regions)
            {
                progress?.Invoke($"starting region {region} on {regionUrls[region]}");
                await topology.StartRegionAsync(region, ct);
            }

            await File.WriteAllTextAsync(TopologyFile(dataFolder), JsonSerializer.Serialize(info, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }), ct);
            return topology;
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    public async Task StartControlAsync(CancellationToken ct)
    {
        _controlOptions = new ControlPlaneOptions
        {
            DataFolder = ControlFolder(Info.DataFolder),
            Url = Info.ControlUrl,
            Regions = Info.Regions.Select(r => new RegionDoc(r.Key, r.Value, "ga")).ToList(),
        };
        var control = await ControlPlaneApp.BuildAsync(_controlOptions, Time, LogLevel, ct);
        await StartOrDisposeAsync(control, ct);
        _control = control;
        OperatorKey = (await File.ReadAllTextAsync(_controlOptions.OperatorKeyPath, ct)).Trim();
    }

    public async Task StopControlAsync(CancellationToken ct)
    {
        if (_control is not null)
        {
            await _control.StopAsync(ct);
            await _control.DisposeAsync();
            _control = null;
        }
    }

    public async Task StartRegionAsync(string region, CancellationToken ct)
    {
        var options = new RegionOptions
        {
            Name = region,
            Url = Info.Regions[region],
            DataFolder = RegionFolder(Info.DataFolder, region),
            ControlUrl = Info.ControlUrl,
            ControlApiKey = OperatorKey,
            SyncInterval = SyncInterval,
        };
        if (StaleSweepInterval is { } sweep)
        {
            options = options with { StaleSweepInterval = sweep };
        }

        if (StoreBusyTimeout is { } busy)
        {
            options = options with { StoreBusyTimeout = busy };
        }

        var app = RegionApp.Build(options, Time, LogLevel);
        await StartOrDisposeAsync(app, ct);
        _regions[region] = app;
        _regionOptions[region] = options;
    }

    public async Task StopRegionAsync(string region, CancellationToken ct)
    {
        if (_regions.Remove(region, out var app))
        {
            await app.StopAsync(ct);
            await app.DisposeAsync();
        }
    }

    /// <summary>An app that fails to start is disposed, so it releases its port and data folder.</summary>
    private static async Task StartOrDisposeAsync(WebApplication app, CancellationToken ct)
    {
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public RegionOptions RegionOptionsOf(string region) => _regionOptions[region];

    public IServiceProvider RegionServices(string region) => _regions[region].Services;

    public async ValueTask DisposeAsync()
    {
        foreach (var region in _regions.Keys.ToList())
        {
            await StopRegionAsync(region, CancellationToken.None);
        }

        await StopControlAsync(CancellationToken.None);
    }

    private static List<int> FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return listener;
        }).ToList();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
