using System.Collections.Immutable;
using System.Text.Json;
using Dapper;
using Nova.Contracts;
using Nova.Storage;

namespace Nova.Region.Config;

/// <summary>
/// What this region knows of the control plane's configuration, as one immutable snapshot.
/// The hot path reads only the snapshot (no call leaves the region); the snapshot is
/// persisted, so a region restarted while the control plane is down keeps working.
/// </summary>
public sealed record ConfigSnapshot(
    long Revision,
    ImmutableDictionary<string, TenantDoc> Tenants,
    ImmutableDictionary<string, ServiceDoc> Services,
    ImmutableDictionary<string, IntegrationDoc> IntegrationsByKeyHash,
    ImmutableDictionary<string, ApiKeyDoc> ApiKeys,
    ImmutableDictionary<string, RegionDoc> Regions)
{
    public static readonly ConfigSnapshot Empty = new(
        0,
        ImmutableDictionary<string, TenantDoc>.Empty,
        ImmutableDictionary<string, ServiceDoc>.Empty,
        ImmutableDictionary<string, IntegrationDoc>.Empty,
        ImmutableDictionary<string, ApiKeyDoc>.Empty,
        ImmutableDictionary<string, RegionDoc>.Empty);

    public TenantDoc? TenantBySlugOrId(string slugOrId) =>
        Tenants.TryGetValue(slugOrId, out var byId) ? byId : Tenants.Values.FirstOrDefault(t => t.Slug == slugOrId);

    public ServiceDoc? ServiceBySlugOrId(string tenantId, string slugOrId) =>
        Services.TryGetValue(slugOrId, out var byId) && byId.TenantId == tenantId
            ? byId
            : Services.Values.FirstOrDefault(s => s.TenantId == tenantId && s.Slug == slugOrId);

    public string? UrlOf(string region) => Regions.TryGetValue(region, out var doc) ? doc.Url : null;

    public ConfigSnapshot With(ChangeView change)
    {
        var next = change.Kind switch
        {
            ChangeKinds.Tenant => this with { Tenants = Tenants.SetItem(change.EntityId, Read<TenantDoc>(change)) },
            ChangeKinds.Service => this with { Services = Services.SetItem(change.EntityId, Read<ServiceDoc>(change)) },
            ChangeKinds.Integration => WithIntegration(Read<IntegrationDoc>(change)),
            ChangeKinds.ApiKey => this with { ApiKeys = ApiKeys.SetItem(change.EntityId, Read<ApiKeyDoc>(change)) },
            ChangeKinds.Region => this with { Regions = Regions.SetItem(change.EntityId, Read<RegionDoc>(change)) },
            _ => this, // a kind this version does not know: skip it, a newer region will use it
        };
        return next with { Revision = Math.Max(Revision, change.Revision) };
    }

    private ConfigSnapshot WithIntegration(IntegrationDoc doc)
    {
        var withoutOld = IntegrationsByKeyHash.Where(pair => pair.Value.Id != doc.Id).ToImmutableDictionary();
        return this with { IntegrationsByKeyHash = withoutOld.SetItem(doc.KeyHash, doc) };
    }

    private static T Read<T>(ChangeView change) => change.Doc.Deserialize<T>(ConfigCache.Json)!;
}

public sealed class ConfigCache(SqliteDatabase database, GroupCommitWriter writer)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private volatile ConfigSnapshot _current = ConfigSnapshot.Empty;

    public ConfigSnapshot Current => _current;

    /// <summary>Loads the persisted snapshot; called once at start-up, before serving.</summary>
    public void Load()
    {
        using var connection = database.Open();
        var rows = connection.Query<(string Kind, string Id, long Revision, string Doc)>(
            "SELECT kind, id, revision, doc FROM config_cache ORDER BY revision");
        var snapshot = ConfigSnapshot.Empty;
        foreach (var row in rows)
        {
            snapshot = snapshot.With(new ChangeView(row.Revision, row.Kind, row.Id, JsonDocument.Parse(row.Doc).RootElement.Clone()));
        }

        var applied = connection.ExecuteScalar<string?>("SELECT value FROM config_state WHERE key = 'revision'");
        _current = snapshot with { Revision = applied is null ? snapshot.Revision : long.Parse(applied, System.Globalization.CultureInfo.InvariantCulture) };
    }

    /// <summary>Persists a page of changes and its revision in one transaction, then publishes it.</summary>
    public async Task ApplyAsync(ChangePage page, CancellationToken ct)
    {
        // Callers apply pages one at a time, in order (ConfigSync serialises its pulls).
        if (page.Changes.Count == 0 && page.Revision <= _current.Revision)
        {
            return;
        }

        await writer.WriteAsync((c, tx) =>
        {
            foreach (var change in page.Changes)
            {
                c.Execute(
                    "INSERT INTO config_cache (kind, id, revision, doc) VALUES (@Kind, @EntityId, @Revision, @doc) " +
                    "ON CONFLICT (kind, id) DO UPDATE SET revision = excluded.revision, doc = excluded.doc",
                    new { change.Kind, change.EntityId, change.Revision, doc = change.Doc.GetRawText() }, tx);
            }

            c.Execute(
                "INSERT INTO config_state (key, value) VALUES ('revision', @rev) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                new { rev = page.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture) }, tx);
            return 0;
        }, ct);

        var snapshot = _current;
        foreach (var change in page.Changes)
        {
            snapshot = snapshot.With(change);
        }

        _current = snapshot with { Revision = Math.Max(snapshot.Revision, page.Revision) };
    }
}
