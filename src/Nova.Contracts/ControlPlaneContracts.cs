namespace Nova.Contracts;

public sealed record RegionOwner(string Team, string? Contact);

public sealed record CreateTenantRequest(
    string? Slug,
    string? Name,
    string? Plan,
    IReadOnlyList<string>? AllowedRegions,
    string? Model,
    bool? Replication,
    IReadOnlyDictionary<string, RegionOwner>? RegionOwners);

public sealed record TenantView(
    string Id,
    string Slug,
    string Name,
    string Plan,
    IReadOnlyList<string> AllowedRegions,
    string Model,
    bool Replication,
    IReadOnlyDictionary<string, RegionOwner> RegionOwners,
    DateTimeOffset CreatedAt);

public sealed record CreateServiceRequest(string? Slug, string? Name, string? HomeRegion, int? StaleAfterMinutes);

public sealed record ServiceView(
    string Id,
    string TenantId,
    string Tenant,
    string Slug,
    string Name,
    string HomeRegion,
    int? StaleAfterMinutes,
    IReadOnlyList<IntegrationView> Integrations,
    DateTimeOffset CreatedAt);

public sealed record IntegrationView(string Id, string KeyHint, DateTimeOffset CreatedAt);

/// <summary>Answer to a service creation: the only time the integration key is shown.</summary>
public sealed record CreatedService(ServiceView Service, string IntegrationKey, IngestUrls Ingest);

public sealed record IngestUrls(string Alertmanager, string AlertmanagerKeyInPath, string PagerDuty);

public sealed record CreateApiKeyRequest(string? Name, string? Role);

public sealed record ApiKeyView(string Id, string? TenantId, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Answer to an API key creation: the only time the secret is shown.</summary>
public sealed record CreatedApiKey(ApiKeyView Key, string Secret);

public sealed record RegionView(string Name, string Url, string Lifecycle);

public sealed record AuditRecordView(
    long Seq,
    DateTimeOffset At,
    string? Actor,
    string Action,
    string Target,
    string RequestId,
    string Outcome);

/// <summary>
/// A page of the control plane's change feed, read by regions. <c>Head</c> is the newest
/// revision of the feed, so a region can report its lag.
/// </summary>
public sealed record ChangePage(long Revision, long Head, IReadOnlyList<ChangeView> Changes, bool More);

/// <summary>
/// One change: the whole new state of one configuration entity (so applying is an upsert
/// and replaying is harmless). <c>Kind</c> is tenant, service, integration, api-key or region.
/// </summary>
public sealed record ChangeView(long Revision, string Kind, string EntityId, System.Text.Json.JsonElement Doc);

public static class ChangeKinds
{
    public const string Tenant = "tenant";
    public const string Service = "service";
    public const string Integration = "integration";
    public const string ApiKey = "api-key";
    public const string Region = "region";
}

// What regions receive through the feed: metadata only, never incident content.
public sealed record TenantDoc(string Id, string Slug, IReadOnlyList<string> AllowedRegions, string Model, bool Replication);

public sealed record ServiceDoc(string Id, string TenantId, string Slug, string HomeRegion, int? StaleAfterMinutes);

public sealed record IntegrationDoc(string Id, string ServiceId, string KeyHash, bool Disabled);

public sealed record ApiKeyDoc(string Id, string? TenantId, string Role, string SecretHash, bool Revoked);

public sealed record RegionDoc(string Name, string Url, string Lifecycle);

public sealed record WhoAmI(string KeyId, string? TenantId, string Role, bool Operator);
