using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nova.Contracts;
using Nova.Core.Ids;
using Nova.Core.Model;
using Nova.Core.Text;
using Nova.Hosting;
using Nova.Storage;
using Nova.Region.Config;
using Nova.Security;

namespace Nova.Region.Incidents;

internal static class IncidentEndpoints
{
    private const int MaxNote = 10_000;

    // Room for the longest note however its sender escapes it: JSON libraries that write
    // ASCII only (Python's json.dumps, .NET's default) spend 12 bytes on an emoji
    // (two \uXXXX escapes), so 10,000 characters can take 120,000 bytes.
    private const long NoteBodyLimit = 128 * 1024;

    public static void MapIncidents(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/incidents", ListAsync);
        routes.MapGet("/v1/incidents/{id}", GetAsync);
        routes.MapPost("/v1/incidents/{id}/acknowledge", (HttpContext http, string id, RegionOptions o, ConfigCache c, IncidentStore s, CancellationToken ct) => ActAsync(http, id, "acknowledge", o, c, s, ct));
        routes.MapPost("/v1/incidents/{id}/resolve", (HttpContext http, string id, RegionOptions o, ConfigCache c, IncidentStore s, CancellationToken ct) => ActAsync(http, id, "resolve", o, c, s, ct));
        routes.MapPost("/v1/incidents/{id}/notes", (HttpContext http, string id, RegionOptions o, ConfigCache c, IncidentStore s, CancellationToken ct) => ActAsync(http, id, "note", o, c, s, ct));
        routes.MapGet("/v1/audit", AuditAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, RegionOptions options, ConfigCache config, IncidentStore store,
        string? tenant, string? status, string? service, string? since, string? limit, string? cursor, CancellationToken ct)
    {
        var snapshot = config.Current;
        var (caller, tenantDoc, refusal) = Authorize(http, snapshot, options, tenant, r => r.CanRead());
        if (refusal is not null)
        {
            return refusal;
        }

        var errors = new List<FieldError>();
        if (status is not null && !IncidentStatuses.Names.Contains(status))
        {
            errors.Add(new("status", $"Must be one of: {string.Join(", ", IncidentStatuses.Names)}."));
        }

        DateTimeOffset? sinceAt = null;
        if (since is not null)
        {
            if (WireTime.TryParse(since, out var parsed))
            {
                sinceAt = parsed;
            }
            else
            {
                errors.Add(new("since", "Must be an RFC 3339 time, e.g. 2026-12-03T10:00:00Z."));
            }
        }

        // Bound as text: an int parameter that fails to bind is an empty 400 with no problem document.
        var take = 50;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > 500))
        {
            errors.Add(new("limit", "Must be a whole number between 1 and 500."));
        }

        if (cursor is not null && IncidentStore.ParseCursor(cursor) is null)
        {
            errors.Add(new("cursor", "Not a cursor from a previous page's nextCursor."));
        }

        ServiceDoc? serviceDoc = null;
        if (service is not null)
        {
            serviceDoc = snapshot.ServiceBySlugOrId(tenantDoc!.Id, service);
            if (serviceDoc is null)
            {
                errors.Add(new("service", $"{tenantDoc.Slug} has no service '{service}'."));
            }
            else if (serviceDoc.HomeRegion != options.Name)
            {
                var url = snapshot.UrlOf(serviceDoc.HomeRegion);
                return Problems.WrongRegion(serviceDoc.HomeRegion, url, $"{tenantDoc.Slug}/{serviceDoc.Slug} lives in {serviceDoc.HomeRegion}; ask {url ?? serviceDoc.HomeRegion} for its incidents.");
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var page = await store.ListAsync(tenantDoc!.Id, new IncidentStore.ListFilter(status, serviceDoc?.Id, sinceAt, take, cursor), id => SlugOf(snapshot, id), ct);
        _ = caller;
        return TypedResults.Ok(page);
    }

    private static async Task<IResult> GetAsync(HttpContext http, string id, RegionOptions options, ConfigCache config, IncidentStore store, string? tenant, CancellationToken ct)
    {
        var snapshot = config.Current;
        var (_, tenantDoc, refusal) = Authorize(http, snapshot, options, tenant, r => r.CanRead(), tenantOptionalForOperator: true);
        if (refusal is not null)
        {
            return refusal;
        }

        var detail = await store.GetAsync(tenantDoc?.Id, id, s => SlugOf(snapshot, s), ct);
        if (detail is null)
        {
            return Problems.NotFound($"No incident {id} in {options.Name}; list incidents with 'nova incident list'.");
        }

        http.Response.Headers.ETag = $"\"{detail.Incident.Version}\"";
        return TypedResults.Ok(detail);
    }

    private static async Task<IResult> ActAsync(HttpContext http, string id, string action, RegionOptions options, ConfigCache config, IncidentStore store, CancellationToken ct)
    {
        var snapshot = config.Current;
        var tenant = http.Request.Query["tenant"].ToString() is { Length: > 0 } t ? t : null;
        var (caller, tenantDoc, refusal) = Authorize(http, snapshot, options, tenant, r => r.CanRespond(), tenantOptionalForOperator: true);
        if (refusal is not null)
        {
            if (caller is not null && refusal is IStatusCodeHttpResult { StatusCode: 403 })
            {
                var target = "incident:" + (EventIds.IsValid(id) ? id : "(not an incident id)");
                await store.RecordDeniedAsync(caller.KeyId, caller.TenantId, "incident." + action, target, http.RequestId(), ct);
            }

            return refusal;
        }

        int? ifMatch = null;
        var header = http.Request.Headers.IfMatch.ToString();
        // "*" matches any current version (RFC 9110): the caller does not guard the action.
        if (header.Length > 0 && header.Trim() != "*")
        {
            var text = header.Trim();
            if (text.StartsWith("W/", StringComparison.Ordinal))
            {
                // If-Match compares strongly (RFC 9110 13.1.1): a weak tag never matches.
                return Problems.Of(412, ProblemTypes.VersionMismatch, "Version mismatch",
                    "If-Match takes the strong ETag of GET /v1/incidents/{id}, e.g. \"3\"; a weak tag (W/) never matches.");
            }

            if (!int.TryParse(text.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return Problems.Validation([new FieldError("If-Match", "Send the incident version you saw, e.g. If-Match: \"3\" (the ETag of GET /v1/incidents/{id}).")]);
            }

            ifMatch = version;
        }

        string? note = null;
        if (action == "note")
        {
            var (request, problem) = await JsonBody.ReadAsync<NoteRequest>(http.Request, NoteBodyLimit, ct);
            if (problem is not null)
            {
                return problem;
            }

            if (string.IsNullOrWhiteSpace(request!.Text) || UnicodeText.ScalarCount(request.Text) > MaxNote)
            {
                return Problems.Validation([new FieldError("text", $"Write a note of 1 to {MaxNote} characters.")]);
            }

            note = request.Text;
        }

        var result = await store.ActAsync(tenantDoc?.Id, serviceId => snapshot.Services.GetValueOrDefault(serviceId), id, action, note, ifMatch,
            new IncidentStore.Context(caller!.KeyId, http.RequestId()), ct);
        http.Response.Headers.ETag = $"\"{result.Version}\"";
        return result.Outcome switch
        {
            IncidentStore.ActionOutcome.NotFound => Problems.NotFound($"No incident {id} in {options.Name}."),
            IncidentStore.ActionOutcome.WrongRegion => Problems.WrongRegion(result.Detail!, snapshot.UrlOf(result.Detail!),
                $"The incident's service lives in {result.Detail}; act on it there. Nothing was changed in {options.Name}."),
            IncidentStore.ActionOutcome.VersionMismatch => Problems.VersionMismatch(ifMatch!.Value, result.Version),
            // Not "status": that member of a problem document is the HTTP status code (RFC 9457).
            IncidentStore.ActionOutcome.Conflict => Problems.Conflict(result.Detail!, new Dictionary<string, object?> { ["incidentStatus"] = result.Status, ["currentVersion"] = result.Version }),
            _ => TypedResults.Ok(new { id, status = result.Status, version = result.Version, changed = result.Outcome == IncidentStore.ActionOutcome.Done }),
        };
    }

    private static async Task<IResult> AuditAsync(HttpContext http, RegionOptions options, ConfigCache config, AuditLog audit, string? tenant, long? after, int? limit, CancellationToken ct)
    {
        var (caller, tenantDoc, refusal) = Authorize(http, config.Current, options, tenant, r => r.CanAudit(), tenantOptionalForOperator: true);
        if (refusal is not null)
        {
            return refusal;
        }

        return Paging.Check(limit, after, 1000)
            ?? TypedResults.Ok(await audit.ReadAsync(caller!.IsOperator ? tenantDoc?.Id : caller.TenantId, after ?? 0, limit ?? 100, ct));
    }

    private static string SlugOf(ConfigSnapshot snapshot, string serviceId) =>
        snapshot.Services.TryGetValue(serviceId, out var s) ? s.Slug : serviceId;

    /// <summary>
    /// Authenticates the bearer key against the cached configuration, picks the tenant (a
    /// tenant key's own, or <c>?tenant=</c> for an operator), checks the role, and refuses a
    /// tenant whose data may not live here with 421.
    /// </summary>
    private static (ApiCaller? Caller, TenantDoc? Tenant, IResult? Refusal) Authorize(
        HttpContext http, ConfigSnapshot snapshot, RegionOptions options, string? tenant, Func<Role, bool> allowed, bool tenantOptionalForOperator = false)
    {
        // The cached configuration answers at once: the ValueTask never awaits.
        var (caller, problem) = ApiKeyAuth.AuthenticateAsync(
            http.Request, keyId => new ValueTask<ApiKeyDoc?>(snapshot.ApiKeys.GetValueOrDefault(keyId)),
            "check the key, or wait a moment if it was just created.").GetAwaiter().GetResult();
        if (problem is not null)
        {
            return (null, null, problem);
        }

        var role = caller!.Role;
        if (!caller.IsOperator && !allowed(role))
        {
            return (caller, null, Problems.Forbidden($"The {role.Name()} role cannot do this; it needs one of: {string.Join(", ", Roles.Names.Where(n => Roles.TryParse(n, out var r) && allowed(r)))}."));
        }

        TenantDoc? doc;
        if (caller.TenantId is { } own)
        {
            doc = snapshot.Tenants.GetValueOrDefault(own);
            if (tenant is not null && doc is not null && tenant != doc.Slug && tenant != doc.Id)
            {
                return (caller, null, Problems.NotFound($"No tenant '{tenant}' visible to this key."));
            }
        }
        else if (tenant is null)
        {
            return tenantOptionalForOperator
                ? (caller, null, null)
                : (caller, null, Problems.Validation([new FieldError("tenant", "An operator key must name the tenant: ?tenant=SLUG.")]));
        }
        else
        {
            doc = snapshot.TenantBySlugOrId(tenant);
        }

        if (doc is null)
        {
            return (caller, null, Problems.NotFound($"No tenant '{tenant}' in {options.Name}'s configuration."));
        }

        if (!doc.AllowedRegions.Contains(options.Name))
        {
            var home = doc.AllowedRegions.FirstOrDefault() ?? "";
            return (caller, null, Problems.WrongRegion(home, snapshot.UrlOf(home), $"{doc.Slug}'s data may not live in {options.Name}; its regions are {string.Join(", ", doc.AllowedRegions)}."));
        }

        return (caller, doc, null);
    }
}
