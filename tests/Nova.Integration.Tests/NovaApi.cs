using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nova.Contracts;
using Nova.Core.Incidents;
using Nova.Region.Incidents;

namespace Nova.Integration.Tests;

/// <summary>What the integration tests do through the public HTTP API, and what they check.</summary>
internal static class NovaApi
{
    /// <summary>The region every test service lives in.</summary>
    public const string Home = "eu-west-1";

    public static async Task<(TenantView Tenant, CreatedService Service)> NewServiceAsync(this TopologyFixture nova, CancellationToken ct, int? staleAfterMinutes = null)
    {
        var tenant = await nova.CreateTenantAsync(ct);
        var service = await nova.CreateServiceAsync(tenant, Home, ct, staleAfterMinutes);
        return (tenant, service);
    }

    public static StringContent JsonContent(string body) => new(body, Encoding.UTF8, "application/json");

    // ---- ingest ------------------------------------------------------------------------

    /// <summary>An Alertmanager webhook delivery with the integration key as bearer.</summary>
    public static async Task<HttpResponseMessage> SendAlertmanagerAsync(this TopologyFixture nova, string? integrationKey, string body, CancellationToken ct, HttpMethod? method = null)
    {
        using var client = TopologyFixture.Client(nova.RegionUrl(Home), integrationKey);
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, "v1/ingest/alertmanager") { Content = JsonContent(body) };
        return await client.SendAsync(request, ct);
    }

    /// <summary>A delivery that must succeed; returns what Nova did with each alert.</summary>
    public static async Task<IngestResult> AlertmanagerOkAsync(this TopologyFixture nova, CreatedService service, string body, CancellationToken ct, HttpMethod? method = null)
    {
        using var response = await nova.SendAlertmanagerAsync(service.IntegrationKey, body, ct, method);
        await TopologyFixture.EnsureAsync(response, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IngestResult>(TopologyFixture.Json, ct))!;
    }

    /// <summary>A PagerDuty Events v2 event: no auth header, the routing key is in the body.</summary>
    public static async Task<HttpResponseMessage> SendPagerDutyAsync(this TopologyFixture nova, string body, CancellationToken ct)
    {
        using var client = TopologyFixture.Client(nova.RegionUrl(Home), null);
        return await client.PostAsync("v2/enqueue", JsonContent(body), ct);
    }

    /// <summary>An event that must be processed; returns the dedup_key PagerDuty's answer carries.</summary>
    public static async Task<string> PagerDutyOkAsync(this TopologyFixture nova, string body, CancellationToken ct)
    {
        using var response = await nova.SendPagerDutyAsync(body, ct);
        var json = await JsonOfAsync(response, ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {json}");
        Assert.Equal("success", json.GetProperty("status").GetString());
        Assert.Equal("Event processed", json.GetProperty("message").GetString());
        var dedupKey = json.GetProperty("dedup_key").GetString();
        Assert.False(string.IsNullOrEmpty(dedupKey));
        return dedupKey!;
    }

    // ---- reads -------------------------------------------------------------------------

    /// <summary>Every incident of the tenant in the home region, all pages, read with the operator key.</summary>
    public static async Task<IReadOnlyList<IncidentSummary>> IncidentsOfAsync(this TopologyFixture nova, TenantView tenant, CancellationToken ct, string query = "")
    {
        using var region = nova.Region(Home);
        var all = new List<IncidentSummary>();
        string? cursor = null;
        do
        {
            var url = $"v1/incidents?tenant={tenant.Slug}&limit=500{query}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = (await region.GetFromJsonAsync<IncidentPage>(url, TopologyFixture.Json, ct))!;
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return all;
    }

    public static async Task<IncidentDetail> IncidentAsync(this TopologyFixture nova, string id, CancellationToken ct, string? apiKey = null)
    {
        using var region = nova.Region(Home, apiKey);
        using var response = await region.GetAsync("v1/incidents/" + id, ct);
        await TopologyFixture.EnsureAsync(response, ct);
        var detail = (await response.Content.ReadFromJsonAsync<IncidentDetail>(TopologyFixture.Json, ct))!;
        Assert.Equal($"\"{detail.Incident.Version}\"", response.Headers.ETag?.ToString());
        return detail;
    }

    /// <summary>Rows of the tenant in the region's events table, read straight from its SQLite file.</summary>
    public static async Task<long> EventRowsOfAsync(this TopologyFixture nova, TenantView tenant, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = nova.Topology.RegionOptionsOf(Home).DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM events WHERE tenant_id = $tenant";
        command.Parameters.AddWithValue("$tenant", tenant.Id);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Ingest refused: the tenant has no incident and no event.</summary>
    public static async Task AssertNothingStoredAsync(this TopologyFixture nova, TenantView tenant, CancellationToken ct)
    {
        Assert.Empty(await nova.IncidentsOfAsync(tenant, ct));
        Assert.Equal(0, await nova.EventRowsOfAsync(tenant, ct));
    }

    /// <summary>
    /// The projection row (what GET answers) equals the fold of the incident's events, and
    /// the answer's ETag is its version. Returns the incident as read.
    /// </summary>
    public static async Task<IncidentDetail> AssertProjectionEqualsFoldAsync(this TopologyFixture nova, TenantView tenant, string incidentId, CancellationToken ct)
    {
        var detail = await nova.IncidentAsync(incidentId, ct);
        var store = (IncidentStore)nova.Topology.RegionServices(Home).GetService(typeof(IncidentStore))!;
        var events = await store.EventsAsync(tenant.Id, incidentId, ct);
        var fold = IncidentState.Fold(incidentId, events);

        var projection = detail.Incident;
        Assert.Equal(fold.Status, projection.Status);
        Assert.Equal(fold.Version, projection.Version);
        Assert.Equal(events.Count, projection.Version);
        Assert.Equal(fold.AlertCount, projection.AlertCount);
        Assert.Equal(fold.OpenAlerts, projection.OpenAlerts);
        Assert.Equal(fold.Severity, projection.Severity);
        Assert.Equal(fold.Title, projection.Title);
        Assert.Equal(fold.Source, projection.Source);
        Assert.Equal(fold.CreatedAt, projection.CreatedAt);
        Assert.Equal(fold.UpdatedAt, projection.UpdatedAt);
        Assert.Equal(fold.AcknowledgedAt, detail.AcknowledgedAt);
        Assert.Equal(fold.ResolvedAt, detail.ResolvedAt);
        Assert.Equal(events.Count, detail.Timeline.Count);
        Assert.Equal(fold.AlertCount, detail.Alerts.Count);
        return detail;
    }

    /// <summary><see cref="AssertProjectionEqualsFoldAsync"/> for every incident of the tenant.</summary>
    public static async Task AssertProjectionsEqualFoldsAsync(this TopologyFixture nova, TenantView tenant, CancellationToken ct)
    {
        foreach (var incident in await nova.IncidentsOfAsync(tenant, ct))
        {
            await nova.AssertProjectionEqualsFoldAsync(tenant, incident.Id, ct);
        }
    }

    // ---- actions -----------------------------------------------------------------------

    /// <summary>POST /v1/incidents/{id}/{action} with an optional If-Match and note; with no key, the operator's.</summary>
    public static async Task<HttpResponseMessage> ActAsync(
        this TopologyFixture nova, string incidentId, string action, CancellationToken ct, int? ifMatch = null, string? apiKey = null, string? note = null)
    {
        using var region = nova.Region(Home, apiKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/incidents/{incidentId}/{action}");
        if (ifMatch is { } version)
        {
            request.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        }

        if (note is not null)
        {
            request.Content = JsonContent(JsonSerializer.Serialize(new NoteRequest(note), TopologyFixture.Json));
        }

        return await region.SendAsync(request, ct);
    }

    // ---- answers -----------------------------------------------------------------------

    public static async Task<JsonElement> JsonOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    /// <summary>Asserts a problem document (RFC 9457) of the given status and type; returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(text);
        var problem = doc.RootElement.Clone();
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    /// <summary>The <c>field</c> of every entry of a validation problem's <c>errors</c>.</summary>
    public static IReadOnlyList<string> ErrorFields(JsonElement problem) =>
        [.. problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!)];

    /// <summary>Asserts PagerDuty's 400 body; returns its <c>errors</c>.</summary>
    public static async Task<IReadOnlyList<string>> AssertPagerDutyInvalidAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var json = await JsonOfAsync(response, ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {json}");
        Assert.Equal("invalid event", json.GetProperty("status").GetString());
        Assert.Equal("Event object is invalid", json.GetProperty("message").GetString());
        var errors = json.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.NotEmpty(errors);
        return errors;
    }
}
