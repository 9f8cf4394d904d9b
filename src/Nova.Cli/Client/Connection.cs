using System.Text.Json;
using Nova.Cli.Hosting;

namespace Nova.Cli.Client;

/// <summary>
/// Where the CLI sends requests and with which key: NOVA_URL and NOVA_API_KEY when set,
/// otherwise the topology that <c>nova up</c> wrote into its data folder.
/// </summary>
public sealed record Connection(string ControlUrl, string ApiKey, string Source)
{
    /// <summary>
    /// The regions <c>nova up</c> started (name to URL), when the connection came from its
    /// topology: the CLI asks them directly when the control plane does not answer.
    /// </summary>
    public IReadOnlyDictionary<string, string> Regions { get; init; } = new Dictionary<string, string>();

    public static string DefaultDataFolder =>
        Environment.GetEnvironmentVariable("NOVA_DATA") is { Length: > 0 } data
            ? data
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nova");

    /// <summary>The file in which <c>nova up</c> records the data folder it last used.</summary>
    public static string PointerFile => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nova-last-up");

    public static Connection Resolve(string? dataFolder)
    {
        var connection = ResolveControl(dataFolder);
        return ParseRegions(Environment.GetEnvironmentVariable("NOVA_REGIONS")) is { } regions ? connection with { Regions = regions } : connection;
    }

    /// <summary>NOVA_REGIONS: <c>name=url,name=url</c>, the regions to ask when the control plane does not answer.</summary>
    private static Dictionary<string, string>? ParseRegions(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var regions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, url) = part.Split('=', 2) is [var n, var u] ? (n.Trim(), u.Trim().TrimEnd('/')) : ("", "");
            if (name.Length == 0 || !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"))
            {
                throw new CliError($"NOVA_REGIONS must be name=url pairs separated by commas, e.g. eu-west-1=http://127.0.0.1:7401; got '{Cli.Safe(part)}'.");
            }

            regions[name] = url;
        }

        return regions;
    }

    private static Connection ResolveControl(string? dataFolder)
    {
        var url = Environment.GetEnvironmentVariable("NOVA_URL");
        var key = Environment.GetEnvironmentVariable("NOVA_API_KEY");
        if (!string.IsNullOrEmpty(url) && !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"))
        {
            throw new CliError($"NOVA_URL '{url}' is not an http(s) URL, e.g. http://127.0.0.1:7400.");
        }

        if (!string.IsNullOrEmpty(url) && !string.IsNullOrEmpty(key))
        {
            return new Connection(url.TrimEnd('/'), key.Trim(), "NOVA_URL and NOVA_API_KEY");
        }

        var folder = dataFolder ?? FindDataFolder();
        var file = LocalTopology.TopologyFile(folder);
        if (!File.Exists(file))
        {
            throw new CliError($"No running Nova found (no {file}). Start one with 'nova up', or set NOVA_URL and NOVA_API_KEY.");
        }

        TopologyInfo info;
        try
        {
            info = JsonSerializer.Deserialize<TopologyInfo>(File.ReadAllText(file), new JsonSerializerOptions(JsonSerializerDefaults.Web))
                ?? throw new JsonException("empty");
        }
        catch (JsonException)
        {
            throw new CliError($"{file} is not a topology file written by 'nova up'; delete it and run 'nova up' again.");
        }

        if (string.IsNullOrEmpty(key))
        {
            if (!File.Exists(info.OperatorKeyFile))
            {
                throw new CliError($"The operator key file {info.OperatorKeyFile} is missing; set NOVA_API_KEY.");
            }

            key = File.ReadAllText(info.OperatorKeyFile).Trim();
        }

        return new Connection(string.IsNullOrEmpty(url) ? info.ControlUrl : url.TrimEnd('/'), key, file) { Regions = info.Regions };
    }

    private static string FindDataFolder()
    {
        if (Environment.GetEnvironmentVariable("NOVA_DATA") is { Length: > 0 } data)
        {
            return data;
        }

        if (File.Exists(PointerFile) && File.ReadAllText(PointerFile).Trim() is { Length: > 0 } last && Directory.Exists(last))
        {
            return last;
        }

        return DefaultDataFolder;
    }
}
