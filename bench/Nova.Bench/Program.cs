using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Nova.Bench;

// Alert ingest into one Nova region against Prometheus Alertmanager's own POST /api/v2/alerts,
// same machine, same run, same client, same concurrency, same alerts. See bench/README.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (HelpRequested)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message} (bench/run --help lists the options)");
    return 2;
}

using var stop = new CancellationTokenSource();
void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine("bench: stopping (signal)…");
    stop.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

var clock = Stopwatch.StartNew();
void Progress(string line) => Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] {line}");

var temp = Directory.CreateTempSubdirectory("nova-bench-").FullName;
var results = new List<RunResult>();
var failures = new List<string>();
AlertmanagerTarget? alertmanager = null;
NovaTarget? nova = null;
var ct = stop.Token;
try
{
    Progress($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {LoadAverage()}");
    Progress($"settings: concurrency {options.Concurrency}, {options.Alerts} distinct alerts per run, {options.PerRequest} per request, " +
        (options.Duration is { } d ? $"first run lasts {d.TotalSeconds:0.#} s and fixes the request count" : $"{options.Requests ?? options.DistinctRequests} requests per run") +
        $", warm-up {options.Warmup} requests per target, {options.Rounds} rounds; temp folder {temp}");
    Progress($"nova: {Path.GetFullPath(options.Nova)}");

    alertmanager = await AlertmanagerTarget.StartAsync(Path.Combine(temp, "alertmanager"), options.EffectiveAlertmanagerGroupBy, Progress, ct);
    nova = await NovaTarget.StartAsync(Path.GetFullPath(options.Nova), Path.Combine(temp, "nova"), options.NovaEnvironment, Progress, ct);
    if (options.NovaEnvironment.Count > 0)
    {
        Progress("nova environment: " + string.Join(' ', options.NovaEnvironment.Select(e => e.Key + "=" + e.Value)));
    }


    // One client for both targets (each target gets its own pool of up to `concurrency` connections).
    using var http = new HttpClient(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = options.Concurrency,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    var startsAt = DateTimeOffset.UtcNow.AddMinutes(-1);
    ITarget[] both = [alertmanager, nova];

    if (options.Warmup > 0)
    {
        var warm = BenchAlert.Make("warmup", options.Warmup * options.PerRequest, options.PerRequest, startsAt);
        foreach (var target in both)
        {
            var result = await RunOneAsync(http, target, "warm-up", "warmup", warm, options.Warmup, null);
            if (result.Failed > 0)
            {
                failures.Add($"warm-up of {target.Name}: {result.Failed} failed requests, first: {result.FirstError}");
            }
        }
    }

    var requests = options.Requests ?? options.DistinctRequests;
    var duration = options.Duration;
    for (var round = 1; round <= options.Rounds; round++)
    {
        // Alternate the order so neither target always runs first (or on a warmer machine).
        ITarget[] order = round % 2 == 1 ? [alertmanager, nova] : [nova, alertmanager];
        var run = "r" + round.ToString(CultureInfo.InvariantCulture);
        var alerts = BenchAlert.Make(run, options.Alerts, options.PerRequest, startsAt);
        foreach (var target in order)
        {
            var result = await RunOneAsync(http, target, round.ToString(CultureInfo.InvariantCulture), run, alerts, requests, duration);
            results.Add(result);
            if (duration is not null)
            {
                requests = result.Requests;
                duration = null;
                Progress($"duration mode: every further run sends {requests} requests");
            }

            if (result.Failed > 0)
            {
                failures.Add($"round {round} {target.Name}: {result.Failed} failed requests, first: {result.FirstError}");
            }
        }
    }

    if (options.VerifyHttp)
    {
        Progress("nova: " + await nova.VerifyOverHttpAsync(ct));
    }

    PrintReport(results, options, alertmanager, LoadAverage());
}
catch (VerificationException e)
{
    failures.Add("verification failed: " + e.Message);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    failures.Add("cancelled");
}
catch (Exception e)
{
    failures.Add(e.GetType().Name + ": " + e.Message);
    foreach (var process in new[] { nova?.Processes[0], nova?.ControlProcess, alertmanager?.Processes[0] })
    {
        if (process is not null && process.Output.Length > 0)
        {
            Console.Error.WriteLine($"--- last output of {process.Name} ---\n{process.Tail()}");
        }
    }
}
finally
{
    if (nova is not null)
    {
        await nova.DisposeAsync();
    }

    if (alertmanager is not null)
    {
        await alertmanager.DisposeAsync();
    }

    ChildProcess.KillAll();
    if (options.Keep)
    {
        Progress($"kept {temp}");
    }
    else
    {
        try
        {
            Directory.Delete(temp, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"warning: could not delete {temp}: {e.Message}");
        }
    }
}

foreach (var failure in failures)
{
    Console.Error.WriteLine("FAILED: " + failure);
}

return failures.Count == 0 ? 0 : 1;

async Task<RunResult> RunOneAsync(HttpClient http, ITarget target, string round, string run, BenchAlert[] alerts, int requests, TimeSpan? duration)
{
    // Request j carries alerts j*N .. j*N+N-1.
    var perRequest = options.PerRequest;
    var bodies = new byte[alerts.Length / perRequest][];
    for (var j = 0; j < bodies.Length; j++)
    {
        bodies[j] = target.Body(alerts.AsSpan(j * perRequest, perRequest));
    }

    // Same starting point for every run: a collected client heap and a quiet second.
    GC.Collect();
    GC.WaitForPendingFinalizers();
    await Task.Delay(TimeSpan.FromSeconds(1), ct);
    Progress($"round {round}: {target.Name} — " + (duration is { } d ? $"{d.TotalSeconds:0.#} s" : $"{requests} requests") + $" of {perRequest} alert(s) each, {alerts.Length} distinct alerts (run={run}), concurrency {options.Concurrency}");
    var result = await LoadRunner.RunAsync(http, target, round, bodies, perRequest, requests, duration, options.Concurrency, ct);
    var distinctRequests = Math.Min(result.Requests, bodies.Length);
    result.Verified = await target.VerifyAsync(run, distinctRequests, perRequest, result.Succeeded, ct);
    Progress($"round {round}: {target.Name} {result.AlertsPerSecond,8:0} alerts/s {result.RequestsPerSecond,8:0} requests/s  p50 {result.P50:0.00} ms  p99 {result.P99:0.00} ms  max {result.Max:0.0} ms  " +
        $"{result.Failed} failed  server CPU {result.CpuMicrosPerAlert:0} µs/alert  [{result.Verified}]");
    return result;
}

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "?";
    }
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    if (sorted.Length == 0)
    {
        return double.NaN;
    }

    var mid = sorted.Length / 2;
    return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

static void PrintReport(List<RunResult> results, BenchOptions options, AlertmanagerTarget alertmanager, string load)
{
    Console.WriteLine();
    var perRequest = options.PerRequest == 1
        ? "one alert per request"
        : $"{options.PerRequest} alerts per request (to Alertmanager one API v2 array, group_by {options.EffectiveAlertmanagerGroupBy}; to Nova one webhook message of one group: one incident)";
    Console.WriteLine($"Alert ingest, {perRequest}, concurrency {options.Concurrency}, {options.Alerts} distinct alerts per run, " +
        $"{Environment.ProcessorCount} cores (client and servers share them); load average after: {load}");
    Console.WriteLine($"alertmanager {alertmanager.Version}: POST /api/v2/alerts (in memory). nova: POST /v1/ingest/alertmanager (webhook v4), each 2xx committed and fsynced (WAL) and sealed.");
    Console.WriteLine();
    Console.WriteLine("| round | target       | requests | alerts/s | requests/s | p50 ms | p99 ms | max ms | failed | server CPU µs/alert | verified |");
    Console.WriteLine("|------:|--------------|---------:|---------:|-----------:|-------:|-------:|-------:|-------:|--------------------:|----------|");
    foreach (var r in results)
    {
        Console.WriteLine($"| {r.Round,5} | {r.Target,-12} | {r.Requests,8} | {r.AlertsPerSecond,8:0} | {r.RequestsPerSecond,10:0} | {r.P50,6:0.00} | {r.P99,6:0.00} | {r.Max,6:0.0} | {r.Failed,6} | {r.CpuMicrosPerAlert,19:0} | {r.Verified} |");
    }

    Console.WriteLine();
    Console.WriteLine("Medians over rounds (latency per request):");
    Console.WriteLine("| target       | alerts/s | requests/s | p50 ms | p99 ms | max ms | server CPU µs/alert |");
    Console.WriteLine("|--------------|---------:|-----------:|-------:|-------:|-------:|--------------------:|");
    var medians = new Dictionary<string, (double Rate, double P50, double P99)>();
    foreach (var name in new[] { "alertmanager", "nova" })
    {
        var mine = results.Where(r => r.Target == name).ToList();
        var rate = Median(mine.Select(r => r.AlertsPerSecond));
        var p50 = Median(mine.Select(r => r.P50));
        var p99 = Median(mine.Select(r => r.P99));
        medians[name] = (rate, p50, p99);
        Console.WriteLine($"| {name,-12} | {rate,8:0} | {Median(mine.Select(r => r.RequestsPerSecond)),10:0} | {p50,6:0.00} | {p99,6:0.00} | {Median(mine.Select(r => r.Max)),6:0.0} | {Median(mine.Select(r => r.CpuMicrosPerAlert)),19:0} |");
    }

    var perRound = results.GroupBy(r => r.Round)
        .Select(g => g.Single(r => r.Target == "nova").AlertsPerSecond / g.Single(r => r.Target == "alertmanager").AlertsPerSecond)
        .ToList();
    Console.WriteLine();
    Console.WriteLine($"ratio nova/alertmanager alerts/s: {medians["nova"].Rate / medians["alertmanager"].Rate:0.00}x (medians); per round: {string.Join(", ", perRound.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture) + "x"))}");
    Console.WriteLine($"latency nova/alertmanager: p50 {medians["nova"].P50 / medians["alertmanager"].P50:0.00}x, p99 {medians["nova"].P99 / medians["alertmanager"].P99:0.00}x");
}
