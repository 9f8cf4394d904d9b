using System.Globalization;

namespace Nova.Bench;

/// <summary>Command-line options of the benchmark.</summary>
internal sealed record BenchOptions
{
    public int Concurrency { get; init; } = 32;

    /// <summary>Distinct alerts per measured run (each one a new alert identity).</summary>
    public int Alerts { get; init; } = 20_000;

    /// <summary>Requests per measured run; request i carries alert i mod <see cref="Alerts"/>. Default: one per alert.</summary>
    public int? Requests { get; init; }

    /// <summary>When set, the first measured run lasts this long and fixes the request count of every run.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Unmeasured requests per target before the first round (JIT, connection pool, caches).</summary>
    public int Warmup { get; init; } = 3_000;

    public int Rounds { get; init; } = 3;

    /// <summary>The nova CLI from the Release build (apphost or nova.dll).</summary>
    public string Nova { get; init; } = "";

    /// <summary>Alertmanager's route group_by: "..." (every distinct alert is its own group, like the distinct groupKeys Nova gets) or a label list.</summary>
    public string AlertmanagerGroupBy { get; init; } = "...";

    public bool Keep { get; init; }

    /// <summary>Extra environment for the nova processes only (experiments: GC settings and the like).</summary>
    public IReadOnlyDictionary<string, string> NovaEnvironment { get; init; } = new Dictionary<string, string>();

    public bool VerifyHttp { get; init; } = true;

    public static string Usage => """
        usage: bench/run [options]
          --concurrency N     requests in flight per target (default 32)
          --alerts N          distinct alerts per measured run (default 20000)
          --requests N        requests per measured run; request i carries alert i mod alerts
                              (default: = --alerts, every alert sent once)
          --duration S        instead of --requests: the first measured run lasts S seconds and
                              its request count is used for every other run
          --warmup N          unmeasured requests per target before round 1 (default 3000)
          --rounds N          rounds; each round runs both targets, order alternating (default 3)
          --am-group-by L     Alertmanager route group_by: '...' (default) or labels, e.g. alertname
          --no-verify-http    skip the final GET /v1/incidents paging check (SQLite counts still run)
          --nova-env K=V      set an environment variable for the nova processes only (repeatable),
                              e.g. --nova-env DOTNET_gcServer=1
          --keep              keep the temp folder (databases, configs, logs)
          --nova PATH         the nova CLI to run (bench/run passes the Release build)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int(int min) => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new ArgumentException($"{name} must be an integer ≥ {min}");
            o = name switch
            {
                "--concurrency" or "-c" => o with { Concurrency = Int(1) },
                "--alerts" => o with { Alerts = Int(1) },
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

        if (o.Requests is not null && o.Duration is not null)
        {
            throw new ArgumentException("give --requests or --duration, not both");
        }

        if (string.IsNullOrEmpty(o.Nova))
        {
            throw new ArgumentException("--nova PATH is required (bench/run passes it)");
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
