using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Routing;
using Nova.Contracts;
using Nova.Core.Model;
using Nova.Hosting;
using Nova.Security;

namespace Nova.ControlPlane;

internal static partial class ControlEndpoints
{
    private const long BodyLimit = 64 * 1024;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/whoami", (HttpContext http) => Caller.Of(http) is var c ? TypedResults.Ok(new WhoAmI(c.KeyId, c.TenantId, c.Role.Name(), c.IsOperator)) : null);
        api.MapGet("/regions", async (ControlStore store, CancellationToken ct) => TypedResults.Ok(await store.RegionsAsync(ct)));
        api.MapGet("/changes", ChangesAsync);
        api.MapPost("/tenants", CreateTenantAsync);
        api.MapGet("/tenants", ListTenantsAsync);
        api.MapGet("/tenants/{tenant}", GetTenantAsync);
        api.MapPost("/tenants/{tenant}/services", CreateServiceAsync);
        api.MapGet("/tenants/{tenant}/services", ListServicesAsync);
        api.MapGet("/tenants/{tenant}/services/{service}", GetServiceAsync);
        api.MapPost("/tenants/{tenant}/services/{service}/integrations", AddIntegrationAsync);
        api.MapPost("/tenants/{tenant}/api-keys", CreateApiKeyAsync);
        api.MapGet("/tenants/{tenant}/api-keys", ListApiKeysAsync);
        api.MapDelete("/tenants/{tenant}/api-keys/{keyId}", RevokeApiKeyAsync);
        api.MapGet("/audit", AuditAsync);
    }

    private static async Task<IResult> ChangesAsync(HttpContext http, ControlStore store, long? after, int? limit, CancellationToken ct)
    {
        if (!Caller.Of(http).IsOperator)
        {
            return Problems.Forbidden("The change feed is for regions: read it with the operator key.");
        }

        return Paging.Check(limit, after, 1000) ?? TypedResults.Ok(await store.ChangesAsync(after ?? 0, limit ?? 500, ct));
    }

    private static async Task<IResult> CreateTenantAsync(HttpContext http, ControlStore store, CancellationToken ct)
    {
        var caller = Caller.Of(http);
        if (!caller.IsOperator)
        {
            await store.RecordDeniedAsync(Audit(http, "tenant.create"), "tenants", ct);
            return Problems.Forbidden("Only an operator key can create tenants.");
        }

        var (request, problem) = await JsonBody.ReadAsync<CreateTenantRequest>(http.Request, BodyLimit, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = Validation.Tenant(request!, await store.RegionsAsync(ct));
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (await store.FindTenantAsync(request!.Slug!, ct) is not null)
        {
            return Problems.Conflict($"A tenant named '{request.Slug}' exists; pick another slug.");
        }

        var model = request.Model ?? DeploymentModels.Pinned;
        var tenant = new TenantView(
            Secrets.NewId("ten"), request.Slug!, request.Name?.Trim() ?? request.Slug!, request.Plan!, request.AllowedRegions!,
            model, request.Replication ?? model == DeploymentModels.Replicated,
            request.RegionOwners ?? new Dictionary<string, RegionOwner>(),
            http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        var created = await store.CreateTenantAsync(tenant, Audit(http, "tenant.create"), ct);
        if (created is null)
        {
            return Problems.Conflict($"A tenant named '{request.Slug}' exists; pick another slug.");
        }

        return TypedResults.Created($"/v1/tenants/{created.Slug}", created);
    }

    private static async Task<IResult> ListTenantsAsync(HttpContext http, ControlStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.TenantsAsync(Caller.Of(http).TenantId, ct));

    private static async Task<IResult> GetTenantAsync(HttpContext http, ControlStore store, string tenant, CancellationToken ct)
    {
        var (found, problem) = await TenantForAsync(http, store, tenant, ct);
        return problem ?? TypedResults.Ok(found);
    }

    private static async Task<IResult> CreateServiceAsync(HttpContext http, ControlStore store, string tenant, CancellationToken ct)
    {
        var (found, problem) = await TenantForAsync(http, store, tenant, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (await DenyUnlessAsync(http, store, found!, "service.create", r => r.CanConfigure(), ct) is { } denied)
        {
            return denied;
        }

        var (request, bad) = await JsonBody.ReadAsync<CreateServiceRequest>(http.Request, BodyLimit, ct);
        if (bad is not null)
        {
            return bad;
        }

        var catalog = await store.RegionsAsync(ct);
        var errors = Validation.Service(request!, found!, catalog);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if ((await store.ServicesAsync(found!, request!.Slug, ct)).Count > 0)
        {
            return Problems.Conflict($"{found!.Slug} already has a service named '{request.Slug}'.");
        }

        var created = await store.CreateServiceAsync(
            found!, request.Slug!, request.Name?.Trim() ?? request.Slug!, request.HomeRegion!, request.StaleAfterMinutes,
            Audit(http, "service.create"), ct);
        if (created is null)
        {
            return Problems.Conflict($"{found!.Slug} already has a service named '{request.Slug}'.");
        }

        var (service, key) = created.Value;
        var region = catalog.First(r => r.Name == service.HomeRegion);
        return TypedResults.Created($"/v1/tenants/{found!.Slug}/services/{service.Slug}", new CreatedService(service, key, IngestUrlsOf(region.Url, key)));
    }

    public static IngestUrls IngestUrlsOf(string regionUrl, string key)
    {
        var root = regionUrl.TrimEnd('/');
        return new IngestUrls(root + "/v1/ingest/alertmanager", root + "/v1/ingest/alertmanager/" + key, root + "/v2/enqueue");
    }

    private static async Task<IResult> ListServicesAsync(HttpContext http, ControlStore store, string tenant, CancellationToken ct)
    {
        var (found, problem) = await TenantForAsync(http, store, tenant, ct);
        return problem ?? TypedResults.Ok(await store.ServicesAsync(found!, null, ct));
    }

    private static async Task<IResult> GetServiceAsync(HttpContext http, ControlStore store, string tenant, string service, CancellationToken ct)
    {
        var (found, problem) = await TenantForAsync(http, store, tenant, ct);
        if (problem is not null)
        {
            return problem;
        }

        var services = await store.ServicesAsync(found!, service, ct);
        return services.Count == 0 ? Problems.NotFound($"{found!.Slug} has no service '{service}'.") : TypedResults.Ok(services[0]);
    }

    /// <summary>
    /// Adds an integration with a key the caller supplies: for moving from another tool without
    /// reconfiguring every sender. The key must be 32 characters of letters and digits.
    /// </summary>
    private static async Task<IResult> AddIntegrationAsync(HttpContext http, ControlStore store, string tenant, string service, CancellationToken ct)
    {
        var (found, problem) = await TenantForAsync(http, store, tenant, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (await DenyUnlessAsync(http, store, found!, "integration.create", r => r.CanConfigure(), ct) is { } denied)
        {
            return denied;
        }

        var services = await store.ServicesAsync(found!, service, ct);
        if (services.Count == 0)
        {
            return Problems.NotFound($"{found!.Slug} has no service '{service}'.");
        }

        var (request, bad) = await JsonBody.ReadAsync<AddIntegrationRequest>(http.Request, BodyLimit, ct);
        if (bad is not null)
        {
            return bad;
        }

        var key = request!.Key ?? Secrets.NewIntegrationKey();
        if (!IntegrationKeyShape().IsMatch(key))
        {
            return Problems.Validation([new FieldError("key", "An integration key is exactly 32 letters or digits.")]);
        }

        if (await store.IntegrationKeyExistsAsync(key, ct))
        {
            return Problems.Conflict("That integration key is already in use; choose another or leave it out to get a new one.");
        }

        var integration = await store.AddIntegrationAsync(services[0].Id, key, Audit(http, "integration.create") with { TenantId = found!.Id }, $"service:{found.Slug}/{service}", ct);
        if (integration is null)
        {
            return Problems.Conflict("That integration key is already in use; choose another or leave it out to get a new one.");
        }

        var region = (await store.RegionsAsync(ct)).First(r => r.Name == services[0].HomeRegion);
        return TypedResults.Created($"/v1/tenants/{found.Slug}/services/{service}", new { integration, integrationKey = key, ingest = IngestUrlsOf(region.Url, key) });
    }

    private static async Task<IResult> CreateApiKeyAsync(HttpContext http, ControlStore store, string tenant, CancellationToken ct)
    {
        var (found, problem) = await TenantForAsync(http, store, tenant, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (await DenyUnlessAsync(http, store, found!, "api-key.create", r => r.CanConfigure(), ct) is { } denied)
        {
            return denied;
        }

        var (request, bad) = await JsonBody.ReadAsync<CreateApiKeyRequest>(http.Request, BodyLimit, ct);
        if (bad is not null)
        {
            return bad;
        }

        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(request!.Name) || request.Name.Length > Validation.MaxNameLength)
        {
            errors.Add(new("name", $"Name the key (1-{Validation.MaxNameLength} characters) so it can be told apart in the audit log."));
        }

        if (!Roles.TryParse(request.Role, out var role))
        {
            errors.Add(new("role", $"Role must be one of: {string.Join(", ", Roles.Names)}."));
        }
        else if (role == Role.Owner && !Caller.Of(http).IsOperator && Caller.Of(http).Role != Role.Owner)
        {
            errors.Add(new("role", "Only an owner can create another owner key."));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var created = await store.CreateApiKeyAsync(found!.Id, request.Name!.Trim(), role, Audit(http, "api-key.create") with { TenantId = found.Id }, "tenant:" + found.Slug, ct);
        return TypedResults.Created($"/v1/tenants/{found.Slug}/api-keys/{created.Key.Id}", created);
    }

    private static async Task<IResult> ListApiKeysAsync(HttpContext http, ControlStore store, string tenant, CancellationToken ct)
    {
        var (found, problem) = await TenantForAsync(http, store, tenant, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (await DenyUnlessAsync(http, store, found!, "api-key.list", r => r.CanConfigure() || r.CanAudit(), ct) is { } denied)
        {
            return denied;
        }

        return TypedResults.Ok(await store.ApiKeysAsync(found!.Id, ct));
    }

    private static async Task<IResult> RevokeApiKeyAsync(HttpContext http, ControlStore store, string tenant, string keyId, CancellationToken ct)
    {
        var (found, problem) = await TenantForAsync(http, store, tenant, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (await DenyUnlessAsync(http, store, found!, "api-key.revoke", r => r.CanConfigure(), ct) is { } denied)
        {
            return denied;
        }

        var caller = Caller.Of(http);
        var target = (await store.ApiKeysAsync(found!.Id, ct)).FirstOrDefault(k => k.Id == keyId);
        if (target?.Role == "owner" && !caller.IsOperator && caller.Role != Role.Owner)
        {
            await store.RecordDeniedAsync(Audit(http, "api-key.revoke") with { TenantId = found.Id }, "tenant:" + found.Slug + "/api-key:" + keyId, ct);
            return Problems.Forbidden("Only an owner can revoke an owner key.");
        }

        var revoked = await store.RevokeApiKeyAsync(found!.Id, keyId, Audit(http, "api-key.revoke") with { TenantId = found.Id }, "tenant:" + found.Slug, ct);
        return revoked is null ? Problems.NotFound($"{found.Slug} has no API key '{keyId}'.") : TypedResults.Ok(revoked);
    }

    private static async Task<IResult> AuditAsync(HttpContext http, ControlStore store, string? tenant, long? after, int? limit, CancellationToken ct)
    {
        var caller = Caller.Of(http);
        string? tenantId = caller.TenantId;
        if (tenant is not null)
        {
            var (found, problem) = await TenantForAsync(http, store, tenant, ct);
            if (problem is not null)
            {
                return problem;
            }

            tenantId = found!.Id;
        }

        if (!caller.IsOperator && !caller.Role.CanAudit())
        {
            return Problems.Forbidden("Reading the audit log needs the auditor, admin or owner role.");
        }

        return Paging.Check(limit, after, 1000) ?? TypedResults.Ok(await store.AuditAsync(tenantId, after ?? 0, limit ?? 100, ct));
    }

    /// <summary>The tenant named in the path, if the caller may see it; a caller never learns of other tenants.</summary>
    private static async Task<(TenantView? Tenant, IResult? Problem)> TenantForAsync(HttpContext http, ControlStore store, string tenant, CancellationToken ct)
    {
        var found = await store.FindTenantAsync(tenant, ct);
        if (found is null || !Caller.Of(http).Sees(found.Id))
        {
            return (null, Problems.NotFound($"No tenant '{tenant}' (or not visible to this key); list tenants with 'nova tenant list'."));
        }

        return (found, null);
    }

    private static async Task<IResult?> DenyUnlessAsync(HttpContext http, ControlStore store, TenantView tenant, string action, Func<Role, bool> allowed, CancellationToken ct)
    {
        var caller = Caller.Of(http);
        if (caller.IsOperator || allowed(caller.Role))
        {
            return null;
        }

        await store.RecordDeniedAsync(Audit(http, action) with { TenantId = tenant.Id }, "tenant:" + tenant.Slug, ct);
        return Problems.Forbidden($"The {caller.Role.Name()} role cannot do {action}; ask an admin or owner of {tenant.Slug}.");
    }

    private static ControlStore.Audit Audit(HttpContext http, string action) =>
        new(Caller.Of(http).KeyId, Caller.Of(http).TenantId, action, http.RequestId());

    [GeneratedRegex("^[A-Za-z0-9]{32}$")]
    private static partial Regex IntegrationKeyShape();
}

public sealed record AddIntegrationRequest(string? Key);
