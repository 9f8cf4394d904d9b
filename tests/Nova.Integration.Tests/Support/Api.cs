using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nova.Integration.Tests.Support;

/// <summary>Small HTTP helpers: raw JSON requests with a chosen request id, and problem documents.</summary>
internal static class Api
{
    public static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent JsonContent(object value) => JsonContent(JsonSerializer.Serialize(value, TopologyFixture.Json));

    /// <summary>Sends a request; <paramref name="requestId"/> goes in X-Request-Id, <paramref name="bearer"/> overrides the client's key.</summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, HttpMethod method, string path, HttpContent? content, CancellationToken ct, string? requestId = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-Id", requestId);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await client.SendAsync(request, ct);
    }

    /// <summary>Asserts the status and problem type, and returns the problem document.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(type, root.GetProperty("type").GetString());
        Assert.Equal((int)status, root.GetProperty("status").GetInt32());
        return root;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static string NewRequestId() => "it-" + Guid.NewGuid().ToString("N");
}

/// <summary>A body sent without Content-Length (chunked), so a server must count what it reads.</summary>
internal sealed class UnknownLengthContent : HttpContent
{
    private readonly byte[] _bytes;

    public UnknownLengthContent(byte[] bytes)
    {
        _bytes = bytes;
        Headers.ContentType = new MediaTypeHeaderValue("application/json");
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        // In pieces, as a streaming sender would.
        for (var offset = 0; offset < _bytes.Length; offset += 8192)
        {
            await stream.WriteAsync(_bytes.AsMemory(offset, Math.Min(8192, _bytes.Length - offset)));
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

/// <summary>Alert bodies as senders write them.</summary>
internal static class Bodies
{
    /// <summary>An Alertmanager v4 webhook message with one alert.</summary>
    public static string Alertmanager(
        IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string>? annotations = null, string status = "firing",
        DateTimeOffset? startsAt = null, string? groupKey = null)
    {
        var alert = new JsonObject
        {
            ["status"] = status,
            ["labels"] = ToObject(labels),
            ["annotations"] = ToObject(annotations ?? new Dictionary<string, string>()),
            ["startsAt"] = (startsAt ?? DateTimeOffset.UtcNow).ToString("O"),
            ["endsAt"] = status == "resolved" ? DateTimeOffset.UtcNow.ToString("O") : "0001-01-01T00:00:00Z",
            ["generatorURL"] = "http://prometheus.example.test/graph",
        };
        var message = new JsonObject
        {
            ["receiver"] = "nova",
            ["status"] = status,
            ["alerts"] = new JsonArray(alert),
            ["groupLabels"] = new JsonObject(),
            ["commonLabels"] = ToObject(labels),
            ["commonAnnotations"] = ToObject(annotations ?? new Dictionary<string, string>()),
            ["externalURL"] = "http://alertmanager.example.test",
            ["version"] = "4",
            ["groupKey"] = groupKey ?? "{}:{alertname=\"" + labels.GetValueOrDefault("alertname", "x") + "\"}",
            ["truncatedAlerts"] = 0,
        };
        return message.ToJsonString();
    }

    /// <summary>A one-label firing alert: enough for routing and dedup checks.</summary>
    public static string Alertmanager(string alertname) =>
        Alertmanager(new Dictionary<string, string> { ["alertname"] = alertname, ["severity"] = "critical" }, new Dictionary<string, string> { ["summary"] = alertname + " fired" });

    /// <summary>A PagerDuty Events v2 trigger.</summary>
    public static string PagerDutyTrigger(string routingKey, string summary, string? dedupKey = null, JsonObject? customDetails = null)
    {
        var payload = new JsonObject
        {
            ["summary"] = summary,
            ["source"] = "db-2.internal.example.test",
            ["severity"] = "critical",
            ["component"] = "postgres",
        };
        if (customDetails is not null)
        {
            payload["custom_details"] = customDetails;
        }

        var e = new JsonObject
        {
            ["routing_key"] = routingKey,
            ["event_action"] = "trigger",
            ["payload"] = payload,
        };
        if (dedupKey is not null)
        {
            e["dedup_key"] = dedupKey;
        }

        return e.ToJsonString();
    }

    private static JsonObject ToObject(IReadOnlyDictionary<string, string> map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map)
        {
            obj[key] = value;
        }

        return obj;
    }
}
