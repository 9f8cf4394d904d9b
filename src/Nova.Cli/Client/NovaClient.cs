using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Nova.Contracts;

namespace Nova.Cli.Client;

/// <summary>
/// Talks to the control plane and to regions. Problem documents become one-line errors;
/// a 421 from a region is followed to the region it names, and the CLI says so.
/// </summary>
public sealed class NovaClient(Connection connection, TextWriter notices) : IDisposable
{
    // Relaxed escaping: non-ASCII text travels as UTF-8 (an emoji note is 4 bytes, not 12),
    // and --json output stays readable. Control characters are still escaped.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public Connection Connection => connection;

    public Task<T> GetAsync<T>(string url, CancellationToken ct, bool followMisdirected = true) => SendAsync<T>(HttpMethod.Get, url, null, null, ct, followMisdirected);

    public Task<T> PostAsync<T>(string url, object? body, CancellationToken ct, string? ifMatch = null) =>
        SendAsync<T>(HttpMethod.Post, url, body, ifMatch, ct);

    public Task<T> DeleteAsync<T>(string url, CancellationToken ct) => SendAsync<T>(HttpMethod.Delete, url, null, null, ct);

    public string Control(string path) => connection.ControlUrl + path;

    /// <summary>True once the control plane did not answer and the CLI fell back to the regions it knows.</summary>
    public bool ControlPlaneDown { get; private set; }

    /// <summary>
    /// The region catalog from the control plane; when it does not answer, the regions the
    /// connection knows (NOVA_REGIONS, or the topology <c>nova up</c> wrote): regions keep
    /// serving without the control plane, so on-call can still list and act on incidents.
    /// Says so on the notices channel.
    /// </summary>
    public async Task<List<RegionView>> RegionsAsync(CancellationToken ct)
    {
        try
        {
            return await GetAsync<List<RegionView>>(Control("/v1/regions"), ct);
        }
        catch (CliError e) when (e.Unreachable && connection.Regions.Count > 0)
        {
            ControlPlaneDown = true;
            notices.WriteLine($"note: the control plane at {connection.ControlUrl} does not answer; asking the regions directly ({string.Join(", ", connection.Regions.Keys)})");
            return connection.Regions.Select(r => new RegionView(r.Key, r.Value, "unknown")).ToList();
        }
    }

    /// <summary>The URL of a region from the control plane's catalog.</summary>
    public async Task<string> RegionUrlAsync(string region, CancellationToken ct)
    {
        var regions = await GetAsync<List<RegionView>>(Control("/v1/regions"), ct);
        return regions.FirstOrDefault(r => r.Name == region)?.Url
            ?? throw new CliError($"Unknown region '{region}'; known regions: {string.Join(", ", regions.Select(r => r.Name))}.");
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string url, object? body, string? ifMatch, CancellationToken ct, bool followMisdirected = true)
    {
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.ApiKey);
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", $"\"{ifMatch}\"");
            }

            if (body is not null)
            {
                request.Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, ct);
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                var origin = new Uri(url).GetLeftPart(UriPartial.Authority);
                throw new CliError($"Cannot reach {origin}: is 'nova up' (or that service) running? ({e.Message})") { Unreachable = true };
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new CliError($"{method} {url} timed out after {_http.Timeout.TotalSeconds:0} s.");
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                if (followMisdirected && response.StatusCode == HttpStatusCode.MisdirectedRequest && hop < 2 && Problem(text) is { } misdirected
                    && misdirected.TryGetProperty("url", out var target) && target.GetString() is { Length: > 0 } next)
                {
                    var region = misdirected.TryGetProperty("region", out var r) ? r.GetString() : "another region";
                    notices.WriteLine(Cli.Safe($"note: this lives in {region}; following to {next}"));
                    url = next.TrimEnd('/') + new Uri(url).PathAndQuery;
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new CliError(Describe(response.StatusCode, text)) { Status = response.StatusCode };
                }

                if (typeof(T) == typeof(JsonElement))
                {
                    return (T)(object)JsonDocument.Parse(text).RootElement.Clone();
                }

                try
                {
                    return JsonSerializer.Deserialize<T>(text, Json) ?? throw new CliError($"{method} {url} answered an empty body.");
                }
                catch (JsonException)
                {
                    throw new CliError($"{method} {url} answered something nova does not understand; check that NOVA_URL or --data points at Nova.");
                }
            }
        }
    }

    /// <summary>One line from a problem document: its detail and every field error.</summary>
    private static string Describe(HttpStatusCode status, string text)
    {
        if (Problem(text) is not { } problem)
        {
            return $"The server answered {(int)status} {status}.";
        }

        var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : problem.TryGetProperty("title", out var t) ? t.GetString() : status.ToString();
        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
        {
            var parts = errors.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Object
                    && e.TryGetProperty("field", out var field) && field.ValueKind == JsonValueKind.String
                    && e.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? $"{Flag(field.GetString()!)}: {message.GetString()!.TrimEnd('.')}"
                : e.ToString());
            return string.Join("; ", parts);
        }

        return detail ?? status.ToString();
    }

    // The API's names for the fields the CLI's options fill in.
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["homeRegion"] = "--home",
        ["staleAfterMinutes"] = "--stale-after",
        ["allowedRegions"] = "--allowed-regions",
        ["plan"] = "--plan",
        ["model"] = "--model",
        ["replication"] = "--replication",
        ["name"] = "--name",
        ["role"] = "--role",
        ["status"] = "--status",
        ["since"] = "--since",
        ["limit"] = "--limit",
        ["service"] = "--service",
        ["tenant"] = "--tenant",
        ["If-Match"] = "--if-version",
    };

    /// <summary>
    /// A field error named as the user typed it: <c>homeRegion</c> is <c>--home</c>,
    /// <c>regionOwners.us-east-1.team</c> is <c>--region-owner us-east-1 (team)</c>.
    /// </summary>
    private static string Flag(string field)
    {
        if (Flags.TryGetValue(field, out var flag))
        {
            return flag;
        }

        var parts = field.Split('.');
        return parts is ["regionOwners", var region, ..]
            ? "--region-owner " + region + (parts.Length > 2 ? $" ({string.Join('.', parts[2..])})" : "")
            : field;
    }

    private static JsonElement? Problem(string text)
    {
        try
        {
            var root = JsonDocument.Parse(text).RootElement;
            return root.ValueKind == JsonValueKind.Object ? root.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
