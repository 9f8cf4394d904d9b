using System.Globalization;

namespace Nova.Bench;

/// <summary>Command-line options of the benchmark.</summary>
internal sealed record BenchOptions
{
    public int Concurrency { get; init; } = 32;

    /// <summary>Distinct alerts per measured run (each one a new alert identity); a multiple of <see cref="PerRequest"/>.</summary>
    public int Alerts { get; init; } = 20_000;

    /// <summary>
    /// Alerts per request: request j carries alerts j*N .. j*N+N-1. Models Prometheus posting
    /// batches to Alertmanager and Alertmanager sending Nova one webhook per aggregation group.
    /// </summary>
    public int PerRequest { get; init; } = 1;

    /// <summary>Nova takes at most this many alerts in one webhook message (AlertmanagerMessage.MaxAlerts).</summary>
    public const int MaxPerRequest = 1_000;

    /// <summary>Requests per measured run; request j carries the alerts of request j mod <see cref="DistinctRequests"/>. Default: each alert once.</summary>
    public int? Requests { get; init; }

    /// <summary>Requests that carry every distinct alert of a run once.</summary>
    public int DistinctRequests => Alerts / PerRequest;

    /// <summary>When set, the first measured run lasts this long and fixes the request count of every run.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Unmeasured requests per target before the first round (JIT, connection pool, caches), each with <see cref="PerRequest"/> new alerts.</summary>
    public int Warmup { get; init; } = 10_000;

    public int Rounds { get; init; } = 3;

    /// <summary>The nova CLI from the Release build (apphost or nova.dll).</summary>
    public string Nova { get; init; } = "";

    /// <summary>
    /// Alertmanager's route group_by as given: "..." or a label list. Null: the group_by that
    /// matches the groupKeys Nova gets (see <see cref="EffectiveAlertmanagerGroupBy"/>).
    /// </summary>
    public string? AlertmanagerGroupBy { get; init; }

    /// <summary>
    /// One alert per request: "..." (every distinct alert is its own group, like the distinct
    /// groupKeys Nova gets). More: the label that is shared within a request and differs
    /// between requests, so each request is one aggregation group, as it is one group for Nova.
    /// </summary>
    public string EffectiveAlertmanagerGroupBy => AlertmanagerGroupBy ?? (PerRequest == 1 ? "..." : BenchAlert.GroupLabel);

    public bool Keep { get; init; }

    /// <summary>Extra environment for the nova processes only (experiments: GC settings and the like).</summary>
    public IReadOnlyDictionary<string, string> NovaEnvironment { get; init; } = new Dictionary<string, string>();

    public bool VerifyHttp { get; init; } = true;

    public static string Usage => """
        usage: bench/run [options]
          --concurrency N     requests in flight per target (default 32)
          --alerts N          distinct alerts per measured run (default 20000; a multiple of
                              --per-request)
          --per-request N     alerts per request, 1 to 1000 (default 1). Request j carries the
                              alerts j*N .. j*N+N-1: to Alertmanager one POST /api/v2/alerts array
                              of N alerts (Prometheus batches), to Nova one webhook v4 message of
                              one aggregation group with N alerts (one incident per request).
                              N > 1 adds a label group=<run>-gNNNNNN, shared within a request,
                              and Alertmanager's route groups by it (see bench/README.md)
          --requests N        requests per measured run; request j carries the alerts of request
                              j mod (alerts / per-request) (default: alerts / per-request, every
                              alert sent once)
          --duration S        instead of --requests: the first measured run lasts S seconds and
                              its request count is used for every other run
          --warmup N          unmeasured requests per target before round 1, each with
                              --per-request new alerts (default 10000)
          --rounds N          rounds; each round runs both targets, order alternating (default 3)
          --am-group-by L     Alertmanager route group_by: '...' or labels, e.g. alertname
                              (default: '...' with one alert per request, else group)
          --no-verify-http    skip the final GET /v1/incidents paging check (SQLite counts still run)
          --nova-env K=V      set an environment variable for the nova processes only (repeatable),
                              e.g. --nova-env DOTNET_gcServer=1
          --keep              keep the temp folder (databases, configs, logs)
          --nova PATH         the nova CLI to run (bench/run passes the Release build)
        Rates are given in alerts/s (requests/s x per-request) and requests/s; latency is per request.
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int(int min, int max = int.MaxValue) => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw new ArgumentException(max == int.MaxValue ? $"{name} must be an integer ≥ {min}" : $"{name} must be an integer from {min} to {max}");
            o = name switch
            {
                "--concurrency" or "-c" => o with { Concurrency = Int(1) },
                "--alerts" => o with { Alerts = Int(1) },
                "--per-request" => o with { PerRequest = Int(1, MaxPerRequest) },
                "--requests" or "-n" => o with { Requests = Int(1) },
                "--duration" or "-d" => o with { Duration = TimeSpan.FromSeconds(double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : throw new ArgumentException("--duration must be seconds > 0")) },
                "--warmup" => o with { Warmup = Int(0) },
                "--rounds" => o with { Rounds = Int(1) },
                "--am-group-by" => o with { AlertmanagerGroupBy = Value() },
                "--no-verify-http" => o with { VerifyHttp = false },
                "--keep" => o with { Keep = true },
                "--nova-env" => o with { NovaEnvironment = WithVariable(o.NovaEnvironment, Value()) },
                "--nova" => o with { Nova = Value() },
                "--help" or "-h" => throw new HelpRequested(),
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        // Every problem on one line, so a script sees the whole story in one error.
        var errors = new List<string>();
        if (o.Alerts % o.PerRequest != 0)
        {
            errors.Add($"--alerts {o.Alerts} is not a multiple of --per-request {o.PerRequest}");
        }

        if ((long)o.Warmup * o.PerRequest > int.MaxValue)
        {
            errors.Add($"--warmup {o.Warmup} × --per-request {o.PerRequest} is too many alerts");
        }

        if (o.Requests is not null && o.Duration is not null)
        {
            errors.Add("give --requests or --duration, not both");
        }

        if (string.IsNullOrEmpty(o.Nova))
        {
            errors.Add("--nova PATH is required (bench/run passes it)");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors));
        }

        return o;
    }

    private static Dictionary<string, string> WithVariable(IReadOnlyDictionary<string, string> environment, string assignment)
    {
        var split = assignment.Split('=', 2);
        if (split.Length != 2 || split[0].Length == 0)
        {
            throw new ArgumentException("--nova-env needs NAME=VALUE");
        }

        return new Dictionary<string, string>(environment) { [split[0]] = split[1] };
    }
}

internal sealed class HelpRequested : Exception
{
}
