using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Nova.Cli.Hosting;
using Nova.Contracts;
using Nova.Integration.Tests.Support;

namespace Nova.Integration.Tests;

/// <summary>The control plane's HTTP API: validation, conflicts, limits, authentication, roles, audit and key secrets.</summary>
public sealed class ControlPlaneApiTests(TopologyFixture nova) : IClassFixture<TopologyFixture>
{
    private static string NewSlug(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Tenant_create_is_400_with_one_error_per_bad_field_when_slug_plan_region_and_model_are_all_wrong()
    {
        var ct = TestContext.Current.CancellationToken;
        var slug = "Bad Slug " + Guid.NewGuid().ToString("N")[..6];
        var response = await nova.Control.PostAsync("v1/tenants", Api.JsonContent(new
        {
            slug,
            plan = "gold",
            allowedRegions = new[] { "mars-1" },
            model = "hybrid",
        }), ct);

        var problem = await Api.ProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation, ct);
        var errors = problem.GetProperty("errors").EnumerateArray()
            .Select(e => (Field: e.GetProperty("field").GetString()!, Message: e.GetProperty("message").GetString()!))
            .ToList();
        Assert.Equal(["allowedRegions", "model", "plan", "slug"], errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        var region = errors.Single(e => e.Field == "allowedRegions").Message;
        Assert.Contains("mars-1", region, StringComparison.Ordinal);
        foreach (var valid in LocalTopology.DefaultRegions)
        {
            Assert.Contains(valid, region, StringComparison.Ordinal);
        }

        var tenants = await nova.Control.GetFromJsonAsync<List<TenantView>>("v1/tenants", TopologyFixture.Json, ct);
        Assert.DoesNotContain(tenants!, t => t.Slug == slug);
    }

    [Fact]
    public async Task Tenant_create_is_409_conflict_when_the_slug_is_taken()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);

        var response = await nova.Control.PostAsync("v1/tenants", Api.JsonContent(
            new CreateTenantRequest(tenant.Slug, "Another", "team", ["us-east-1"], "pinned", false, null)), ct);

        await Api.ProblemAsync(response, HttpStatusCode.Conflict, ProblemTypes.Conflict, ct);
        var stored = await nova.Control.GetFromJsonAsync<TenantView>($"v1/tenants/{tenant.Slug}", TopologyFixture.Json, ct);
        Assert.Equal(tenant.Id, stored!.Id);
        Assert.Equal(["eu-west-1", "eu-central-1"], stored.AllowedRegions);
    }

    [Fact]
    public async Task Tenant_create_is_one_201_and_the_rest_409_never_500_when_one_slug_is_sent_concurrently()
    {
        var ct = TestContext.Current.CancellationToken;
        var slug = NewSlug("c");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await nova.Control.PostAsync("v1/tenants", Api.JsonContent(
                new CreateTenantRequest(slug, null, "team", ["eu-west-1"], "pinned", false, null)), ct);
            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
    }

    [Theory]
    [InlineData("us-east-1", "is outside")]
    [InlineData("mars-1", "Unknown region")]
    public async Task Service_create_is_400_listing_the_allowed_regions_and_stores_nothing_when_the_home_region_is_not_allowed(string home, string wording)
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct, "eu-west-1", "eu-central-1");

        var response = await nova.Control.PostAsync($"v1/tenants/{tenant.Slug}/services", Api.JsonContent(
            new CreateServiceRequest(NewSlug("s"), null, home, null)), ct);

        var problem = await Api.ProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation, ct);
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("homeRegion", error.GetProperty("field").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains(wording, message, StringComparison.Ordinal);
        Assert.Contains(home, message, StringComparison.Ordinal);
        Assert.Contains("eu-west-1, eu-central-1", message, StringComparison.Ordinal);

        var services = await nova.Control.GetFromJsonAsync<List<ServiceView>>($"v1/tenants/{tenant.Slug}/services", TopologyFixture.Json, ct);
        Assert.Empty(services!);
    }

    [Fact]
    public async Task Service_create_is_one_201_and_the_rest_409_never_500_when_one_slug_is_sent_concurrently()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        var slug = NewSlug("s");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await nova.Control.PostAsync($"v1/tenants/{tenant.Slug}/services", Api.JsonContent(
                new CreateServiceRequest(slug, null, "eu-west-1", null)), ct);
            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
        var services = await nova.Control.GetFromJsonAsync<List<ServiceView>>($"v1/tenants/{tenant.Slug}/services", TopologyFixture.Json, ct);
        Assert.Single(services!);
    }

    [Fact]
    public async Task Integration_add_is_one_201_and_the_rest_409_never_500_when_one_chosen_key_is_sent_concurrently()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        var service = await nova.CreateServiceAsync(tenant, "eu-west-1", ct);
        var key = Guid.NewGuid().ToString("N");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await nova.Control.PostAsync($"v1/tenants/{tenant.Slug}/services/{service.Service.Slug}/integrations", Api.JsonContent(new { key }), ct);
            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
        var stored = await nova.Control.GetFromJsonAsync<ServiceView>($"v1/tenants/{tenant.Slug}/services/{service.Service.Slug}", TopologyFixture.Json, ct);
        Assert.Equal(2, stored!.Integrations.Count);
    }

    [Theory]
    [InlineData("{\"slug\": \"acme\", \"plan\": ")]
    [InlineData("{\"slug\": \"acme\",}")]
    [InlineData("not json")]
    [InlineData("[1, 2")]
    public async Task Tenant_create_is_400_malformed_json_when_the_body_is_not_json(string body)
    {
        var ct = TestContext.Current.CancellationToken;
        var response = await nova.Control.PostAsync("v1/tenants", Api.JsonContent(body), ct);
        await Api.ProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.MalformedJson, ct);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tenant_create_is_413_and_stores_nothing_when_the_body_is_over_64_KiB(bool chunked)
    {
        var ct = TestContext.Current.CancellationToken;
        var slug = NewSlug("big");
        // Valid JSON that would otherwise fail validation (name too long): the size limit must answer first.
        var json = JsonSerializer.Serialize(new CreateTenantRequest(slug, new string('n', 64 * 1024), "team", ["eu-west-1"], "pinned", false, null), TopologyFixture.Json);
        Assert.True(Encoding.UTF8.GetByteCount(json) > 64 * 1024);
        HttpContent content = chunked ? new UnknownLengthContent(Encoding.UTF8.GetBytes(json)) : Api.JsonContent(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/tenants") { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        var response = await nova.Control.SendAsync(request, ct);

        var problem = await Api.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge, ct);
        Assert.Equal(64 * 1024, problem.GetProperty("limit").GetInt32());
        var lookup = await nova.Control.GetAsync($"v1/tenants/{slug}", ct);
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("not-nova-format")]
    [InlineData("unknown-key-id")]
    [InlineData("wrong-secret")]
    [InlineData("basic-with-wrong-secret")]
    public async Task Request_is_401_unauthorized_when_the_bearer_key_is_missing_malformed_unknown_or_wrong(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        var real = await nova.CreateApiKeyAsync(tenant, "admin", ct);
        var keyId = real.Key.Id;
        using var client = TopologyFixture.Client(nova.Topology.Info.ControlUrl, null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/tenants");
        switch (kind)
        {
            case "missing":
                break;
            case "not-nova-format":
                request.Headers.Authorization = new("Bearer", "sk_live_" + Guid.NewGuid().ToString("N"));
                break;
            case "unknown-key-id":
                request.Headers.Authorization = new("Bearer", "nova_key_zzzzzzzzzzzz_" + new string('a', 32));
                break;
            case "wrong-secret":
                request.Headers.Authorization = new("Bearer", $"nova_{keyId}_{new string('a', 32)}");
                break;
            default:
                request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"user:nova_{keyId}_{new string('b', 32)}")));
                break;
        }

        var response = await client.SendAsync(request, ct);

        var problem = await Api.ProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized, ct);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));

        // The same client with the real key gets in: the 401 was about the key, not the route.
        var ok = await Api.SendAsync(client, HttpMethod.Get, "v1/tenants", null, ct, bearer: real.Secret);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Api_key_is_401_unauthorized_when_it_was_revoked()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        var key = await nova.CreateApiKeyAsync(tenant, "admin", ct);
        using var client = TopologyFixture.Client(nova.Topology.Info.ControlUrl, key.Secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"v1/tenants/{tenant.Slug}", ct)).StatusCode);

        var revoke = await nova.Control.DeleteAsync($"v1/tenants/{tenant.Slug}/api-keys/{key.Key.Id}", ct);
        var revoked = await Api.JsonAsync(revoke, HttpStatusCode.OK, ct);
        Assert.Equal(JsonValueKind.String, revoked.GetProperty("revokedAt").ValueKind);

        var response = await client.GetAsync($"v1/tenants/{tenant.Slug}", ct);
        var problem = await Api.ProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized, ct);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        var create = await client.PostAsync($"v1/tenants/{tenant.Slug}/services", Api.JsonContent(new CreateServiceRequest(NewSlug("s"), null, "eu-west-1", null)), ct);
        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
    }

    [Fact]
    public async Task Revoking_a_revoked_key_again_changes_nothing_and_is_audited_as_unchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        var key = await nova.CreateApiKeyAsync(tenant, "viewer", ct);
        var first = await Api.JsonAsync(await nova.Control.DeleteAsync($"v1/tenants/{tenant.Slug}/api-keys/{key.Key.Id}", ct), HttpStatusCode.OK, ct);

        var again = await Api.JsonAsync(await nova.Control.DeleteAsync($"v1/tenants/{tenant.Slug}/api-keys/{key.Key.Id}", ct), HttpStatusCode.OK, ct);

        Assert.Equal(first.GetProperty("revokedAt").GetString(), again.GetProperty("revokedAt").GetString());
        var audit = await nova.Control.GetFromJsonAsync<List<AuditRecordView>>($"v1/audit?tenant={tenant.Slug}&limit=1000", TopologyFixture.Json, ct);
        Assert.Equal(["success", "unchanged"],
            audit!.Where(r => r.Action == "api-key.revoke" && r.Target == $"tenant:{tenant.Slug}/api-key:{key.Key.Id}").OrderBy(r => r.Seq).Select(r => r.Outcome));
    }

    [Fact]
    public async Task Viewer_key_is_403_and_audited_as_denied_when_it_creates_a_service()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);
        var viewer = await nova.CreateApiKeyAsync(tenant, "viewer", ct);
        using var client = TopologyFixture.Client(nova.Topology.Info.ControlUrl, viewer.Secret);
        var requestId = Api.NewRequestId();

        var response = await Api.SendAsync(client, HttpMethod.Post, $"v1/tenants/{tenant.Slug}/services",
            Api.JsonContent(new CreateServiceRequest(NewSlug("s"), null, "eu-west-1", null)), ct, requestId);

        await Api.ProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden, ct);
        var services = await nova.Control.GetFromJsonAsync<List<ServiceView>>($"v1/tenants/{tenant.Slug}/services", TopologyFixture.Json, ct);
        Assert.Empty(services!);
        var audit = await nova.Control.GetFromJsonAsync<List<AuditRecordView>>($"v1/audit?tenant={tenant.Slug}&limit=1000", TopologyFixture.Json, ct);
        var denied = Assert.Single(audit!, r => r.RequestId == requestId);
        Assert.Equal("service.create", denied.Action);
        Assert.Equal("denied", denied.Outcome);
        Assert.Equal(viewer.Key.Id, denied.Actor);
        Assert.Equal("tenant:" + tenant.Slug, denied.Target);
    }

    [Fact]
    public async Task Every_successful_mutation_is_audited_with_action_target_actor_and_request_id()
    {
        var ct = TestContext.Current.CancellationToken;
        var operatorKeyId = (await nova.Control.GetFromJsonAsync<WhoAmI>("v1/whoami", TopologyFixture.Json, ct))!.KeyId;
        var slug = NewSlug("t");
        var expected = new List<(string RequestId, string Action, string Target, string Actor)>();

        async Task<JsonElement> MutateAsync(HttpClient client, HttpMethod method, string path, object? body, string actor, string action, Func<JsonElement, string> target)
        {
            var requestId = Api.NewRequestId();
            var response = await Api.SendAsync(client, method, path, body is null ? null : Api.JsonContent(body), ct, requestId);
            Assert.Equal(requestId, response.Headers.GetValues("X-Request-Id").Single());
            Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
            expected.Add((requestId, action, target(json), actor));
            return json;
        }

        await MutateAsync(nova.Control, HttpMethod.Post, "v1/tenants",
            new CreateTenantRequest(slug, null, "business", ["eu-west-1", "us-east-1"], "pinned", false, null),
            operatorKeyId, "tenant.create", _ => "tenant:" + slug);
        var admin = await MutateAsync(nova.Control, HttpMethod.Post, $"v1/tenants/{slug}/api-keys", new CreateApiKeyRequest("ops admin", "admin"),
            operatorKeyId, "api-key.create", j => $"tenant:{slug}/api-key:{j.GetProperty("key").GetProperty("id").GetString()}");
        var adminKeyId = admin.GetProperty("key").GetProperty("id").GetString()!;
        using var adminClient = TopologyFixture.Client(nova.Topology.Info.ControlUrl, admin.GetProperty("secret").GetString());
        var serviceSlug = NewSlug("s");
        await MutateAsync(adminClient, HttpMethod.Post, $"v1/tenants/{slug}/services", new CreateServiceRequest(serviceSlug, "Checkout", "us-east-1", null),
            adminKeyId, "service.create", _ => $"service:{slug}/{serviceSlug}");
        await MutateAsync(adminClient, HttpMethod.Post, $"v1/tenants/{slug}/services/{serviceSlug}/integrations", new { },
            adminKeyId, "integration.create", _ => $"service:{slug}/{serviceSlug}");
        var viewer = await MutateAsync(adminClient, HttpMethod.Post, $"v1/tenants/{slug}/api-keys", new CreateApiKeyRequest("dashboards", "viewer"),
            adminKeyId, "api-key.create", j => $"tenant:{slug}/api-key:{j.GetProperty("key").GetProperty("id").GetString()}");
        var viewerKeyId = viewer.GetProperty("key").GetProperty("id").GetString()!;
        await MutateAsync(adminClient, HttpMethod.Delete, $"v1/tenants/{slug}/api-keys/{viewerKeyId}", null,
            adminKeyId, "api-key.revoke", _ => $"tenant:{slug}/api-key:{viewerKeyId}");

        var audit = await nova.Control.GetFromJsonAsync<List<AuditRecordView>>($"v1/audit?tenant={slug}&limit=1000", TopologyFixture.Json, ct);
        Assert.Equal(expected.Count, audit!.Count);
        foreach (var (requestId, action, target, actor) in expected)
        {
            var record = Assert.Single(audit, r => r.RequestId == requestId);
            Assert.Equal(action, record.Action);
            Assert.Equal(target, record.Target);
            Assert.Equal(actor, record.Actor);
            Assert.Equal("success", record.Outcome);
        }

        Assert.Equal(audit.OrderBy(r => r.Seq).Select(r => r.RequestId), expected.Select(e => e.RequestId));

        // The tenant admin reads the same records through its own key.
        var own = await adminClient.GetFromJsonAsync<List<AuditRecordView>>("v1/audit?limit=1000", TopologyFixture.Json, ct);
        Assert.Equal(audit.Select(r => r.Seq), own!.Select(r => r.Seq));
    }

    [Fact]
    public async Task Api_key_secret_is_shown_once_and_is_neither_in_the_control_database_nor_in_key_listings()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await nova.CreateTenantAsync(ct);

        var response = await nova.Control.PostAsync($"v1/tenants/{tenant.Slug}/api-keys", Api.JsonContent(new CreateApiKeyRequest("ci deploys", "responder")), ct);
        var created = await Api.JsonAsync(response, HttpStatusCode.Created, ct);
        var token = created.GetProperty("secret").GetString()!;
        var keyId = created.GetProperty("key").GetProperty("id").GetString()!;
        Assert.StartsWith($"nova_{keyId}_", token, StringComparison.Ordinal);
        var secret = token[$"nova_{keyId}_".Length..];
        Assert.True(secret.Length >= 24, "secret part: " + secret);

        // The key works: it is the real secret, not a placeholder.
        using var client = TopologyFixture.Client(nova.Topology.Info.ControlUrl, token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"v1/tenants/{tenant.Slug}", ct)).StatusCode);

        var listing = await nova.Control.GetStringAsync($"v1/tenants/{tenant.Slug}/api-keys", ct);
        Assert.Contains(keyId, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listing, StringComparison.Ordinal);
        var single = JsonDocument.Parse(listing).RootElement.EnumerateArray().Single(k => k.GetProperty("id").GetString() == keyId);
        Assert.False(single.TryGetProperty("secret", out _));
        Assert.False(single.TryGetProperty("secretHash", out _));

        var controlFiles = StoreFiles.DatabaseFiles(StoreFiles.ControlDatabasePath(nova.DataFolder));
        Assert.NotEmpty(StoreFiles.FilesContaining(controlFiles, keyId)); // the scan sees the key's row
        Assert.Empty(StoreFiles.FilesContaining(controlFiles, secret));

        // Nor does any other store: regions receive only the hash.
        var everyStore = StoreFiles.AllFiles(nova.DataFolder).Where(f => !f.EndsWith("operator.key", StringComparison.Ordinal));
        Assert.Empty(StoreFiles.FilesContaining(everyStore, secret));
    }

    [Fact]
    public async Task Tenant_key_sees_only_its_own_tenant_and_gets_404_for_another()
    {
        var ct = TestContext.Current.CancellationToken;
        var mine = await nova.CreateTenantAsync(ct);
        var other = await nova.CreateTenantAsync(ct);
        var key = await nova.CreateApiKeyAsync(mine, "owner", ct);
        using var client = TopologyFixture.Client(nova.Topology.Info.ControlUrl, key.Secret);

        var tenants = await client.GetFromJsonAsync<List<TenantView>>("v1/tenants", TopologyFixture.Json, ct);
        Assert.Equal(mine.Id, Assert.Single(tenants!).Id);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"v1/tenants/{mine.Slug}", ct)).StatusCode);

        // A 404 like for a tenant that does not exist: the answer tells nothing the caller did not send.
        foreach (var (path, unsent) in (ValueTuple<string, string>[])[
            ($"v1/tenants/{other.Slug}", other.Id), ($"v1/tenants/{other.Id}", other.Slug), ($"v1/tenants/{other.Slug}/services", other.Id),
            ($"v1/tenants/{other.Slug}/api-keys", other.Id), ($"v1/audit?tenant={other.Slug}", other.Id)])
        {
            var response = await client.GetAsync(path, ct);
            var problem = await Api.ProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound, ct);
            Assert.DoesNotContain(unsent, problem.GetRawText(), StringComparison.Ordinal);
        }

        var missing = await client.GetAsync($"v1/tenants/{NewSlug("nobody")}", ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var create = await client.PostAsync($"v1/tenants/{other.Slug}/services", Api.JsonContent(new CreateServiceRequest(NewSlug("s"), null, "eu-west-1", null)), ct);
        await Api.ProblemAsync(create, HttpStatusCode.NotFound, ProblemTypes.NotFound, ct);
        var theirs = await nova.Control.GetFromJsonAsync<List<ServiceView>>($"v1/tenants/{other.Slug}/services", TopologyFixture.Json, ct);
        Assert.Empty(theirs!);

        var newTenant = await client.PostAsync("v1/tenants", Api.JsonContent(new CreateTenantRequest(NewSlug("t"), null, "team", ["eu-west-1"], "pinned", false, null)), ct);
        await Api.ProblemAsync(newTenant, HttpStatusCode.Forbidden, ProblemTypes.Forbidden, ct);
        var feed = await client.GetAsync("v1/changes", ct);
        await Api.ProblemAsync(feed, HttpStatusCode.Forbidden, ProblemTypes.Forbidden, ct);

        var audit = await client.GetFromJsonAsync<List<AuditRecordView>>("v1/audit?limit=1000", TopologyFixture.Json, ct);
        Assert.NotEmpty(audit!);
        Assert.DoesNotContain(audit!, r => r.Target.Contains(other.Slug, StringComparison.Ordinal));
    }
}
