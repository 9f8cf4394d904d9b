using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nova.Contracts;
using Nova.Hosting;
using Nova.Region.Config;
using Nova.Region.Incidents;
using Nova.Security;

namespace Nova.Region.Ingest;

/// <summary>
/// Where alerts enter a region. Each endpoint speaks its sender's language: Alertmanager
/// retries only on 5xx, so transient trouble is a 503 and a bad payload a 400; PagerDuty
/// senders get PagerDuty's 202/400 bodies.
/// </summary>
internal static class IngestEndpoints
{
    public static void MapIngest(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/v1/ingest/alertmanager", ["POST", "PUT"], (HttpContext http, RegionOptions options, ConfigCache config, IncidentStore store, CancellationToken ct) =>
            AlertmanagerAsync(http, Bearer.From(http.Request), options, config, store, ct));
        routes.MapMethods("/v1/ingest/alertmanager/{key}", ["POST", "PUT"], (HttpContext http, string key, RegionOptions options, ConfigCache config, IncidentStore store, CancellationToken ct) =>
            Bearer.From(http.Request) is { Length: > 0 } header && header != key
                ? Task.FromResult(Problems.Unauthorized("The URL and the Authorization header carry different integration keys; send the key in one of them."))
                : AlertmanagerAsync(http, key, options, config, store, ct));
        routes.MapPost("/v2/enqueue", PagerDutyAsync);
    }

    private static async Task<IResult> AlertmanagerAsync(HttpContext http, string? key, RegionOptions options, ConfigCache config, IncidentStore store, CancellationToken ct)
    {
        var (service, integrationId, refusal) = Route(key, options, config.Current);
        if (refusal is not null)
        {
            return refusal;
        }

        var (document, problem) = await JsonBody.ReadDocumentAsync(http.Request, AlertmanagerMessage.BodyLimit, ct);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var parsed = AlertmanagerMessage.Parse(document!.RootElement);
            if (parsed.UnsupportedVersion is { } version)
            {
                return Problems.Of(400, ProblemTypes.UnsupportedVersion, "Unsupported webhook version",
                    $"Webhook version '{version}' is not supported: Nova takes Alertmanager's version \"4\" and Grafana's version \"1\".");
            }

            if (parsed.Errors.Count > 0)
            {
                return Problems.Validation(parsed.Errors);
            }

            var result = await store.IngestAlertmanagerAsync(service!, integrationId!, parsed.Message!, http.RequestId(), ct);
            return TypedResults.Ok(result);
        }
    }

    private static async Task<IResult> PagerDutyAsync(HttpContext http, RegionOptions options, ConfigCache config, IncidentStore store, CancellationToken ct)
    {
        var (bytes, problem) = await JsonBody.ReadBytesAsync(http.Request, PagerDutyEvent.BodyLimit, ct);
        if (problem is ProblemHttpResult { StatusCode: 400 } badBody)
        {
            // A 400 is in PagerDuty's shape, like every other invalid event (413 and 415 stay problems).
            return Invalid([badBody.ProblemDetails.Detail ?? "Event object is invalid"]);
        }

        if (problem is not null)
        {
            return problem;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            return Invalid([JsonBody.Describe(e)]);
        }

        using (document)
        {
            var (e, errors) = PagerDutyEvent.Parse(document.RootElement);
            if (e is null)
            {
                return Invalid(errors);
            }

            var (service, integrationId, refusal) = Route(e.RoutingKey, options, config.Current);
            if (refusal is not null)
            {
                return refusal;
            }

            var dedupKey = await store.IngestPagerDutyAsync(service!, integrationId!, e, http.RequestId(), ct);
            return TypedResults.Json(new { status = "success", message = "Event processed", dedup_key = dedupKey }, statusCode: 202);
        }
    }

    private static IResult Invalid(IReadOnlyList<string> errors) =>
        TypedResults.Json(new { status = "invalid event", message = "Event object is invalid", errors }, statusCode: 400);

    /// <summary>
    /// Finds the service of an integration key in the cached configuration (no call leaves
    /// the region), and refuses a service that lives in another region with 421.
    /// </summary>
    private static (ServiceDoc? Service, string? IntegrationId, IResult? Refusal) Route(string? key, RegionOptions options, ConfigSnapshot config)
    {
        if (string.IsNullOrEmpty(key))
        {
            return (null, null, Problems.Unauthorized("Send the service's integration key as 'Authorization: Bearer KEY', or put it in the URL: /v1/ingest/alertmanager/KEY."));
        }

        if (config.Revision == 0)
        {
            return (null, null, Problems.Unavailable($"Region {options.Name} has not loaded its configuration from the control plane yet; retry shortly."));
        }

        if (key.Length > 128 || !config.IntegrationsByKeyHash.TryGetValue(Secrets.Hash(key), out var integration) || !config.Services.TryGetValue(integration.ServiceId, out var service))
        {
            return (null, null, Problems.Unauthorized("The integration key is not known; copy it from 'nova service create' (keys are 32 characters)."));
        }

        if (integration.Disabled)
        {
            return (null, null, Problems.Unauthorized("The integration key was disabled; create a new integration for the service."));
        }

        if (!config.Tenants.TryGetValue(service.TenantId, out var tenant))
        {
            return (null, null, Problems.Unavailable($"Region {options.Name} has the service but not yet its tenant; retry shortly."));
        }

        if (service.HomeRegion != options.Name)
        {
            var url = config.UrlOf(service.HomeRegion);
            return (null, null, Problems.WrongRegion(service.HomeRegion, url,
                $"This service lives in {service.HomeRegion}; send its alerts to {url ?? service.HomeRegion}. Nothing was stored in {options.Name}."));
        }

        if (!tenant.AllowedRegions.Contains(options.Name))
        {
            // Placement is checked at the control plane too; this guards a policy that changed later.
            var home = tenant.AllowedRegions.FirstOrDefault() ?? service.HomeRegion;
            return (null, null, Problems.WrongRegion(home, config.UrlOf(home),
                $"{tenant.Slug}'s data may not live in {options.Name}; nothing was stored."));
        }

        return (service, integration.Id, null);
    }
}
