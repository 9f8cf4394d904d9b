using System.Text;
using System.Text.Json.Nodes;

namespace Nova.EndToEnd.Tests;

/// <summary>
/// Checks the <see cref="AlertmanagerProcess"/> harness against a real Alertmanager and a plain
/// HttpListener webhook receiver; needs no Nova code.
/// </summary>
public sealed class AlertmanagerProcessTests
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Delivers_firing_then_resolved_webhook_with_fingerprint_and_bearer_token()
    {
        var ct = TestContext.Current.CancellationToken;
        const string token = "nova-e2e-token";
        await using var receiver = WebhookRecorder.Start();
        await using var alertmanager = await AlertmanagerProcess.StartAsync(receiver.Url, token, ct);

        var labels = new Dictionary<string, string>
        {
            ["alertname"] = "NovaHarnessCheck",
            ["instance"] = "api-1:9090",
            ["severity"] = "warning",
        };
        var annotations = new Dictionary<string, string> { ["summary"] = "harness check" };
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(-30);
        const string generatorUrl = "http://prometheus.example.test/graph?g0.expr=up";
        var expectedFingerprint = Fingerprint(labels);

        await alertmanager.PostAlertsAsync(
            [new { labels, annotations, startsAt, generatorURL = generatorUrl }], ct);

        var firing = await receiver.WaitForAsync(
            r => Status(r) == "firing", DeliveryTimeout, alertmanager.Describe, ct);
        var firingBody = JsonNode.Parse(firing.Body)!;
        Assert.Equal("POST", firing.Method);
        Assert.StartsWith("application/json", firing.ContentType, StringComparison.Ordinal);
        Assert.Equal("Bearer " + token, firing.Authorization);
        Assert.Equal("4", (string?)firingBody["version"]);
        Assert.Equal("webhook", (string?)firingBody["receiver"]);
        var firingAlert = Assert.Single(firingBody["alerts"]!.AsArray())!;
        Assert.Equal("firing", (string?)firingAlert["status"]);
        Assert.Equal(labels, Strings(firingAlert["labels"]));
        Assert.Equal(annotations, Strings(firingAlert["annotations"]));
        Assert.Equal(generatorUrl, (string?)firingAlert["generatorURL"]);
        var fingerprint = (string?)firingAlert["fingerprint"];
        Assert.Matches("^[0-9a-f]{16}$", fingerprint);
        Assert.Equal(expectedFingerprint, fingerprint);

        await alertmanager.PostAlertsAsync(
            [new { labels, annotations, startsAt, endsAt = DateTimeOffset.UtcNow.AddSeconds(-1), generatorURL = generatorUrl }],
            ct);

        var resolved = await receiver.WaitForAsync(
            r => Status(r) == "resolved", DeliveryTimeout, alertmanager.Describe, ct);
        var resolvedBody = JsonNode.Parse(resolved.Body)!;
        Assert.Equal("Bearer " + token, resolved.Authorization);
        Assert.Equal("4", (string?)resolvedBody["version"]);
        var resolvedAlert = Assert.Single(resolvedBody["alerts"]!.AsArray())!;
        Assert.Equal("resolved", (string?)resolvedAlert["status"]);
        Assert.Equal(labels, Strings(resolvedAlert["labels"]));
        Assert.Equal(expectedFingerprint, (string?)resolvedAlert["fingerprint"]);
        Assert.Equal((string?)firingAlert["startsAt"], (string?)resolvedAlert["startsAt"]);
    }

    [Fact]
    public async Task Start_without_token_sends_no_authorization_header()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = WebhookRecorder.Start();
        await using var alertmanager = await AlertmanagerProcess.StartAsync(receiver.Url, bearerToken: null, ct);
        Assert.StartsWith("http://127.0.0.1:", alertmanager.BaseUrl.ToString(), StringComparison.Ordinal);

        var labels = new Dictionary<string, string> { ["alertname"] = "Test" };
        await alertmanager.PostAlertsAsync([new { labels, startsAt = DateTimeOffset.UtcNow }], ct);

        var firing = await receiver.WaitForAsync(_ => true, DeliveryTimeout, alertmanager.Describe, ct);
        Assert.Null(firing.Authorization);
        var alert = Assert.Single(JsonNode.Parse(firing.Body)!["alerts"]!.AsArray())!;
        Assert.Equal("e46aaa9fcf75dd34", (string?)alert["fingerprint"]);
    }

    [Fact]
    public async Task Dispose_kills_the_process_and_deletes_its_folder()
    {
        var ct = TestContext.Current.CancellationToken;
        var alertmanager = await AlertmanagerProcess.StartAsync("http://127.0.0.1:9/", null, ct);
        var pid = alertmanager.ProcessId;
        var folder = alertmanager.TempDirectory;
        Assert.True(Directory.Exists(folder));

        await alertmanager.DisposeAsync();

        Assert.False(Directory.Exists(folder), folder);
        Assert.False(IsRunning(pid), $"pid {pid} still running");
    }

    [Theory]
    [InlineData("e46aaa9fcf75dd34", "alertname", "Test")]
    [InlineData("9266ef3da838ad95", "job", "foo", "severity", "warning")]
    [InlineData("9266ef3da838ad95", "severity", "warning", "job", "foo")]
    [InlineData("59d7a84a7536c84e", "alertname", "HighLatency", "instance", "api-1:9090", "job", "api", "severity", "critical")]
    [InlineData("79b00eeaf78a4839", "alertname", "Test", "foo\U0001F642", "bar")]
    public void Fingerprint_matches_the_known_vectors(string expected, params string[] pairs)
    {
        var labels = new Dictionary<string, string>();
        for (var i = 0; i < pairs.Length; i += 2)
        {
            labels[pairs[i]] = pairs[i + 1];
        }

        Assert.Equal(expected, Fingerprint(labels));
    }

    /// <summary>
    /// Alertmanager's alert fingerprint: FNV-1a 64 over the labels sorted by name (UTF-8 byte
    /// order), each fed as name, 0xFF, value, 0xFF; 16 lowercase hex digits.
    /// </summary>
    private static string Fingerprint(IReadOnlyDictionary<string, string> labels)
    {
        const ulong offsetBasis = 0xcbf29ce484222325;
        const ulong prime = 0x100000001b3;
        var hash = offsetBasis;

        void Feed(ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                hash ^= b;
                hash *= prime;
            }
        }

        var sorted = labels
            .Select(kv => (Name: Encoding.UTF8.GetBytes(kv.Key), Value: Encoding.UTF8.GetBytes(kv.Value)))
            .OrderBy(kv => kv.Name, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)));
        foreach (var (name, value) in sorted)
        {
            Feed(name);
            Feed([0xFF]);
            Feed(value);
            Feed([0xFF]);
        }

        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string? Status(RecordedRequest request)
    {
        try
        {
            return (string?)JsonNode.Parse(request.Body)?["status"];
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> Strings(JsonNode? node) =>
        node!.AsObject().ToDictionary(kv => kv.Key, kv => (string?)kv.Value ?? string.Empty);

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
