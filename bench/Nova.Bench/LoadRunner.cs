using System.Diagnostics;

namespace Nova.Bench;

/// <summary>What one run of one target measured. Requests and latencies are per request; rates and CPU are also given per alert.</summary>
internal sealed record RunResult(
    string Round,
    string Target,
    int PerRequest,
    int Requests,
    int Succeeded,
    int Failed,
    string? FirstError,
    TimeSpan Elapsed,
    double[] LatencyMs,
    TimeSpan ServerCpu)
{
    public double RequestsPerSecond => Succeeded / Elapsed.TotalSeconds;

    public double AlertsPerSecond => (double)Succeeded * PerRequest / Elapsed.TotalSeconds;

    public double P50 => Percentile(0.50);

    public double P99 => Percentile(0.99);

    public double Max => LatencyMs.Length == 0 ? double.NaN : LatencyMs[^1];

    /// <summary>Server CPU time per successful alert, in microseconds.</summary>
    public double CpuMicrosPerAlert => Succeeded == 0 ? double.NaN : ServerCpu.TotalMicroseconds / ((double)Succeeded * PerRequest);

    public string Verified { get; set; } = "";

    /// <summary>Nearest-rank percentile of the sorted latencies.</summary>
    private double Percentile(double p) =>
        LatencyMs.Length == 0 ? double.NaN : LatencyMs[Math.Clamp((int)Math.Ceiling(p * LatencyMs.Length) - 1, 0, LatencyMs.Length - 1)];
}

/// <summary>
/// A closed-loop load generator: <c>concurrency</c> workers share one HttpClient; each sends
/// the next request as soon as its previous one was answered. Request bodies are built before
/// the clock starts, so both targets pay the same client cost per request.
/// </summary>
internal static class LoadRunner
{
    public static async Task<RunResult> RunAsync(
        HttpClient http, ITarget target, string round, byte[][] bodies, int perRequest, int requests, TimeSpan? duration, int concurrency, CancellationToken ct)
    {
        // In duration mode the run stops issuing at the deadline (room for 200,000 requests/s); the bodies cycle.
        var capacity = duration is { } limit ? (int)Math.Min(50_000_000, (limit.TotalSeconds * 200_000) + 1_000) : requests;
        var latencies = new long[capacity];
        var ok = new bool[capacity];
        var next = -1;
        var failed = 0;
        string? firstError = null;
        var cpuBefore = target.Processes.Sum(p => p.CpuTime().Ticks);
        var started = Stopwatch.GetTimestamp();
        var deadline = duration is { } d ? started + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var issued = 0;

        async Task WorkerAsync()
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= capacity || Stopwatch.GetTimestamp() >= deadline)
                {
                    return;
                }

                Interlocked.Increment(ref issued);
                var begin = Stopwatch.GetTimestamp();
                try
                {
                    using var request = target.Request(bodies[i % bodies.Length]);
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                    if (response.IsSuccessStatusCode)
                    {
                        ok[i] = true;
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                        var body = await response.Content.ReadAsStringAsync(ct);
                        Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}", null);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, e.GetType().Name + ": " + e.Message, null);
                }

                latencies[i] = Stopwatch.GetTimestamp() - begin;
            }
        }

        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            workers[w] = Task.Run(WorkerAsync, ct);
        }

        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = TimeSpan.FromTicks(target.Processes.Sum(p => p.CpuTime().Ticks) - cpuBefore);
        var done = Math.Min(issued, capacity);
        var sorted = new double[done];
        var succeeded = 0;
        for (var i = 0; i < done; i++)
        {
            sorted[i] = latencies[i] * 1000.0 / Stopwatch.Frequency;
            if (ok[i])
            {
                succeeded++;
            }
        }

        Array.Sort(sorted);
        return new RunResult(round, target.Name, perRequest, done, succeeded, failed, firstError, elapsed, sorted, cpu);
    }
}
