using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Nova.Contracts;

namespace Nova.EndToEnd.Tests;

/// <summary>
/// Invariant 1, last sentence: logs never carry customer content, and (encryption at rest)
/// the store holds it only sealed. A unique marker goes into a label value, an annotation, a
/// PagerDuty summary and custom details, a note and two rejected bodies; it must then appear
/// in no process's output (regions at debug level) and in no file under the data folder.
/// </summary>
public sealed class LogContentTests : IAsyncLifetime
{
    private const string Region = "eu-west-1";

    private NovaProcesses _nova = null!;

    public async ValueTask InitializeAsync() =>
        _nova = await NovaProcesses.StartAsync(
            new NovaProcessesOptions { Regions = [Region], Verbose = true }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_nova is not null)
        {
            await _nova.DisposeAsync();
        }
    }

    [Fact]
    public async Task Customer_content_reaches_the_api_but_no_log_line_and_no_file_in_the_clear()
    {
        var ct = TestContext.Current.CancellationToken;
        var marker = "zqmarker" + Guid.NewGuid().ToString("N");
        var tenant = await _nova.CreateTenantAsync(ct, Region);
        var service = await _nova.CreateServiceAsync(tenant, Region, ct);
        var key = service.IntegrationKey;

        // Alertmanager: marker in a label value and in annotations (the summary becomes the title).
        var webhook = Bodies.AlertmanagerWebhook(
            new Dictionary<string, string> { ["alertname"] = "LeakCheck", ["customer"] = "label-" + marker },
            new Dictionary<string, string> { ["summary"] = "summary-" + marker, ["description"] = "annotation-" + marker },
            DateTimeOffset.UtcNow.AddMinutes(-1),
            groupKey: "{}:{customer=\"group-" + marker + "\"}");
        using var am = await _nova.PostJsonAsync(Region, "v1/ingest/alertmanager", webhook, key, ct);
        Assert.True(am.StatusCode == HttpStatusCode.OK, await am.Content.ReadAsStringAsync(ct));
        var amIncident = Assert.Single((await am.Content.ReadFromJsonAsync<IngestResult>(NovaProcesses.Json, ct))!.Incidents);

        // PagerDuty: marker in the summary, the dedup key and custom details.
        var pd = Bodies.PagerDutyTrigger(key, "dedup-" + marker, "pd-summary-" + marker, new { detail = "details-" + marker });
        using (var response = await _nova.PostJsonAsync(Region, "v2/enqueue", pd, bearer: null, ct))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(ct));
        }

        // A note by a person, with the operator key.
        using (var note = await _nova.RegionApi(Region).PostAsJsonAsync($"v1/incidents/{amIncident}/notes", new NoteRequest("note-" + marker), NovaProcesses.Json, ct))
        {
            await NovaProcesses.EnsureSuccessAsync(note, ct);
        }

        // Rejected bodies that carry the marker: error paths must not log it either.
        var badTime = webhook.Replace("\"startsAt\":\"", "\"startsAt\":\"bad-" + marker + "-", StringComparison.Ordinal);
        using (var response = await _nova.PostJsonAsync(Region, "v1/ingest/alertmanager", badTime, key, ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var badPd = pd.Replace("\"critical\"", "\"sev-" + marker + "\"", StringComparison.Ordinal);
        using (var response = await _nova.PostJsonAsync(Region, "v2/enqueue", badPd, bearer: null, ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var response = await _nova.PostJsonAsync(Region, "v1/ingest/alertmanager", "{\"version\":\"4\",\"alerts\":[" + marker, key, ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        // The content went through the region: the API gives it back to an authorised reader.
        var page = await _nova.IncidentsAsync(Region, tenant, ct);
        Assert.Equal(2, page.Items.Count);
        Assert.Contains(page.Items, i => i.Title == "summary-" + marker);
        Assert.Contains(page.Items, i => i.Title == "pd-summary-" + marker);
        using (var detail = await _nova.RegionApi(Region).GetAsync($"v1/incidents/{amIncident}", ct))
        {
            var text = await detail.Content.ReadAsStringAsync(ct);
            Assert.Contains("label-" + marker, text, StringComparison.Ordinal);
            Assert.Contains("annotation-" + marker, text, StringComparison.Ordinal);
            Assert.Contains("note-" + marker, text, StringComparison.Ordinal);
        }

        // An integration key in the URL is a secret: it must not reach the log either.
        using (var response = await _nova.PostJsonAsync(Region, "v1/ingest/alertmanager/" + key, webhook, bearer: null, ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The region logged its requests at debug level (by route template): the checks below
        // look at real log lines, not at an empty stream. A request's line is written after its
        // answer, through the console logger's queue: wait for the last one.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!_nova.Region(Region).Output.Contains("POST /v1/ingest/alertmanager/{key} ", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }

        Assert.Contains("POST /v1/ingest/alertmanager ", _nova.Region(Region).Output, StringComparison.Ordinal);
        Assert.Contains("POST /v1/ingest/alertmanager/{key} ", _nova.Region(Region).Output, StringComparison.Ordinal);
        Assert.Contains("POST /v1/incidents/{id}/notes ", _nova.Region(Region).Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, _nova.Region(Region).Output, StringComparison.Ordinal);

        // kill -9 leaves the WAL and shm files as they are: scan them as well as the database.
        foreach (var process in _nova.All)
        {
            await process.KillAsync();
        }

        foreach (var process in _nova.All)
        {
            Assert.False(process.OutputTruncated, process.Name + "'s output was cut; raise the cap");
            var output = process.Output;
            Assert.True(output.Length > 0, process.Name + " wrote nothing");
            var at = output.IndexOf(marker, StringComparison.Ordinal);
            Assert.True(at < 0, $"{process.Name}'s output carries customer content:\n…{output[Math.Max(0, at - 600)..Math.Min(output.Length, at + 200)]}…");
        }

        var files = Directory.EnumerateFiles(_nova.DataFolder, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith(".db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".db-wal", StringComparison.Ordinal));
        var needles = new[] { Encoding.UTF8.GetBytes(marker), Encoding.Unicode.GetBytes(marker) };
        var scanned = new List<string>();
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file, ct);
            scanned.Add($"{Path.GetRelativePath(_nova.DataFolder, file)} ({bytes.Length} bytes)");
            foreach (var needle in needles)
            {
                Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{file} holds customer content in the clear");
            }
        }

        TestContext.Current.SendDiagnosticMessage(
            "log lines: " + string.Join(", ", _nova.All.Select(p => $"{p.Name} {p.Output.Count(c => c == '\n')}")) + "; scanned: " + string.Join(", ", scanned));
    }
}
