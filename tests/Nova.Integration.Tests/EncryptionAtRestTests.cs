using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nova.Contracts;
using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

/// <summary>
/// Customer content is sealed at rest and customer lookup keys are blind indexes: after a
/// topology stops, no file under its data folder holds any of it in clear.
/// </summary>
public sealed class EncryptionAtRestTests
{
    private const string Home = "eu-west-1";

    [Fact]
    public async Task Customer_content_is_in_no_file_of_the_data_folder_when_ingested_acted_on_and_stopped()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nova = new TopologyFixture(TimeSpan.FromMilliseconds(100));
        await nova.InitializeAsync();
        var tenant = await nova.CreateTenantAsync(ct);
        var service = await nova.CreateServiceAsync(tenant, Home, ct);
        var responder = await nova.CreateApiKeyAsync(tenant, "responder", ct);

        // One secret per place it can enter; all share a prefix, so one scan finds any of them.
        var marker = "mk" + Guid.NewGuid().ToString("N");
        var planted = new Dictionary<string, string>
        {
            ["label"] = marker + "-label",
            ["group-label"] = marker + "-grouplabel",
            ["annotation"] = marker + "-annotation",
            ["pd-summary"] = marker + "-pdsummary",
            ["pd-custom-details"] = marker + "-pdcustom",
            ["pd-dedup-key"] = marker + "-pddedup",
            ["note"] = marker + "-note",
        };

        using var ingest = TopologyFixture.Client(nova.RegionUrl(Home), service.IntegrationKey);
        var alert = Bodies.Alertmanager(
            new Dictionary<string, string> { ["alertname"] = "Leak", ["instance"] = planted["label"], ["cluster"] = planted["group-label"] },
            new Dictionary<string, string> { ["description"] = planted["annotation"] },
            groupKey: $"{{}}:{{cluster=\"{planted["group-label"]}\"}}");
        var am = await Api.JsonAsync(await ingest.PostAsync("v1/ingest/alertmanager", Api.JsonContent(alert), ct), HttpStatusCode.OK, ct);
        var amIncident = am.GetProperty("incidents")[0].GetString()!;
        var pagerDuty = Bodies.PagerDutyTrigger(service.IntegrationKey, planted["pd-summary"], planted["pd-dedup-key"], new JsonObject { ["runbook"] = planted["pd-custom-details"] });
        var pd = await Api.JsonAsync(await ingest.PostAsync("/v2/enqueue", Api.JsonContent(pagerDuty), ct), HttpStatusCode.Accepted, ct);
        Assert.Equal(planted["pd-dedup-key"], pd.GetProperty("dedup_key").GetString());

        using var people = TopologyFixture.Client(nova.RegionUrl(Home), responder.Secret);
        var page = await people.GetFromJsonAsync<IncidentPage>("v1/incidents", TopologyFixture.Json, ct);
        var pdIncident = page!.Items.Single(i => i.Id != amIncident).Id;
        Assert.Equal(HttpStatusCode.OK, (await people.PostAsync($"v1/incidents/{amIncident}/notes", Api.JsonContent(new NoteRequest("Runbook step 3: " + planted["note"])), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await people.PostAsync($"v1/incidents/{amIncident}/acknowledge", null, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await people.PostAsync($"v1/incidents/{pdIncident}/resolve", null, ct)).StatusCode);

        // The API returns every planted value: they went in, so finding none on disk means something.
        var served = await people.GetStringAsync($"v1/incidents/{amIncident}", ct) + await people.GetStringAsync($"v1/incidents/{pdIncident}", ct)
            + await people.GetStringAsync("v1/incidents", ct);
        foreach (var (place, value) in planted)
        {
            Assert.True(served.Contains(value, StringComparison.Ordinal), $"the API did not return the {place} value");
        }

        // Identities derived from content: the Alertmanager fingerprint of the labels.
        var detail = await people.GetFromJsonAsync<IncidentDetail>($"v1/incidents/{amIncident}", TopologyFixture.Json, ct);
        var fingerprint = Assert.Single(detail!.Alerts).Key;
        Assert.Matches("^[0-9a-f]{16}$", fingerprint);

        await nova.Topology.DisposeAsync();

        var files = StoreFiles.AllFiles(nova.DataFolder);
        var regionFiles = StoreFiles.DatabaseFiles(StoreFiles.RegionDatabasePath(nova.DataFolder, Home));
        Assert.Contains(regionFiles, f => f.EndsWith(".db", StringComparison.Ordinal));
        // The scan reads what is there: ids are stored in clear, and are found.
        Assert.NotEmpty(StoreFiles.FilesContaining(regionFiles, service.Service.Id));
        Assert.NotEmpty(StoreFiles.FilesContaining(regionFiles, amIncident));

        var leaks = planted.Select(p => (Place: p.Key, Files: StoreFiles.FilesContaining(files, p.Value)))
            .Append((Place: "marker", Files: StoreFiles.FilesContaining(files, marker)))
            .Append((Place: "fingerprint", Files: StoreFiles.FilesContaining(files, fingerprint)))
            .Where(l => l.Files.Count > 0)
            .Select(l => $"{l.Place} in {string.Join(", ", l.Files.Select(f => Path.GetRelativePath(nova.DataFolder, f)))}")
            .ToList();
        Assert.True(leaks.Count == 0, "Plain text at rest: " + string.Join("; ", leaks));
    }
}
