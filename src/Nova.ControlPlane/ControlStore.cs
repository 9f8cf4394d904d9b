using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Nova.Contracts;
using Nova.Core.Model;
using Nova.Security;
using Nova.Storage;

namespace Nova.ControlPlane;

/// <summary>
/// The control plane's tables. Every mutation writes its entity, a change-feed row and an
/// audit record in one transaction, so the feed and the audit log never miss a change.
/// </summary>
public sealed class ControlStore(SqliteDatabase database, GroupCommitWriter writer, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Audit(string? Actor, string? TenantId, string Action, string RequestId);

    // ---- reads -------------------------------------------------------------------------

    public async Task<ApiKeyDoc?> FindApiKeyAsync(string keyId, CancellationToken ct)
    {
        await using var c = database.Open();
        var row = await c.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
            "SELECT * FROM api_keys WHERE id = @keyId", new { keyId }, cancellationToken: ct));
        return row is null ? null : new ApiKeyDoc(row.id, row.tenant_id, row.role, row.secret_hash, row.revoked_at is not null);
    }

    public async Task<bool> AnyOperatorKeyAsync(CancellationToken ct)
    {
        await using var c = database.Open();
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM api_keys WHERE tenant_id IS NULL AND revoked_at IS NULL", cancellationToken: ct)) > 0;
    }

    public async Task<IReadOnlyList<RegionView>> RegionsAsync(CancellationToken ct)
    {
        await using var c = database.Open();
        var rows = await c.QueryAsync<RegionView>(new CommandDefinition(
            "SELECT name AS Name, url AS Url, lifecycle AS Lifecycle FROM regions ORDER BY name", cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<TenantView?> FindTenantAsync(string slugOrId, CancellationToken ct)
    {
        await using var c = database.Open();
        var row = await c.QuerySingleOrDefaultAsync<TenantRow>(new CommandDefinition(
            "SELECT * FROM tenants WHERE slug = @slugOrId OR id = @slugOrId", new { slugOrId }, cancellationToken: ct));
        return row?.ToView();
    }

    public async Task<IReadOnlyList<TenantView>> TenantsAsync(string? onlyId, CancellationToken ct)
    {
        await using var c = database.Open();
        var rows = await c.QueryAsync<TenantRow>(new CommandDefinition(
            "SELECT * FROM tenants WHERE @onlyId IS NULL OR id = @onlyId ORDER BY slug", new { onlyId }, cancellationToken: ct));
        return rows.Select(r => r.ToView()).ToList();
    }

    public async Task<IReadOnlyList<ServiceView>> ServicesAsync(TenantView tenant, string? slug, CancellationToken ct)
    {
        await using var c = database.Open();
        var services = (await c.QueryAsync<ServiceRow>(new CommandDefinition(
            "SELECT * FROM services WHERE tenant_id = @id AND (@slug IS NULL OR slug = @slug) ORDER BY slug",
            new { id = tenant.Id, slug }, cancellationToken: ct))).AsList();
        var integrations = (await c.QueryAsync<IntegrationRow>(new CommandDefinition(
            "SELECT i.* FROM integrations i JOIN services s ON s.id = i.service_id WHERE s.tenant_id = @id ORDER BY i.created_at",
            new { id = tenant.Id }, cancellationToken: ct))).ToLookup(i => i.service_id);
        return services.Select(s => s.ToView(tenant.Slug, integrations[s.id].Select(i => i.ToView()).ToList())).ToList();
    }

    public async Task<IReadOnlyList<ApiKeyView>> ApiKeysAsync(string tenantId, CancellationToken ct)
    {
        await using var c = database.Open();
        var rows = await c.QueryAsync<ApiKeyRow>(new CommandDefinition(
            "SELECT * FROM api_keys WHERE tenant_id = @tenantId ORDER BY created_at", new { tenantId }, cancellationToken: ct));
        return rows.Select(r => r.ToView()).ToList();
    }

    public async Task<ChangePage> ChangesAsync(long after, int limit, CancellationToken ct)
    {
        await using var c = database.Open();
        var rows = (await c.QueryAsync<ChangeRow>(new CommandDefinition(
            "SELECT revision, kind, entity_id, doc FROM changes WHERE revision > @after ORDER BY revision LIMIT @take",
            new { after, take = limit + 1 }, cancellationToken: ct))).AsList();
        var more = rows.Count > limit;
        var page = rows.Take(limit).Select(r => new ChangeView(r.revision, r.kind, r.entity_id, JsonDocument.Parse(r.doc).RootElement.Clone())).ToList();
        var head = await c.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(revision) FROM changes", cancellationToken: ct)) ?? 0;
        return new ChangePage(page.Count > 0 ? page[^1].Revision : Math.Min(Math.Max(after, 0), head), head, page, more);
    }

    public Task<IReadOnlyList<AuditRecordView>> AuditAsync(string? tenantId, long after, int limit, CancellationToken ct) =>
        new AuditLog(database).ReadAsync(tenantId, after, limit, ct);

    // ---- writes ------------------------------------------------------------------------

    public Task UpsertRegionAsync(RegionDoc region, CancellationToken ct) =>
        writer.WriteAsync((c, tx) =>
        {
            var existing = c.QuerySingleOrDefault<RegionView>(
                "SELECT name AS Name, url AS Url, lifecycle AS Lifecycle FROM regions WHERE name = @Name", region, tx);
            if (existing is not null && existing.Url == region.Url && existing.Lifecycle == region.Lifecycle)
            {
                return 0;
            }

            c.Execute(
                "INSERT INTO regions (name, url, lifecycle, updated_at) VALUES (@Name, @Url, @Lifecycle, @at) " +
                "ON CONFLICT (name) DO UPDATE SET url = excluded.url, lifecycle = excluded.lifecycle, updated_at = excluded.updated_at",
                new { region.Name, region.Url, region.Lifecycle, at = Now() }, tx);
            AppendChange(c, tx, ChangeKinds.Region, region.Name, region);
            WriteAudit(c, tx, new Audit(null, null, "region.upsert", "startup"), "region:" + region.Name, "success");
            return 1;
        }, ct);

    /// <summary>The tenant as created, or null when its slug is taken.</summary>
    public Task<TenantView?> CreateTenantAsync(TenantView tenant, Audit audit, CancellationToken ct) =>
        writer.WriteAsync<TenantView?>((c, tx) =>
        {
            // Checked again inside the single writer: concurrent requests all pass the
            // endpoint's check, and the loser must get a 409, not a constraint error.
            if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM tenants WHERE slug = @Slug", new { tenant.Slug }, tx) > 0)
            {
                return null;
            }

            c.Execute(
                "INSERT INTO tenants (id, slug, name, plan, allowed_regions, model, replication, region_owners, created_at) " +
                "VALUES (@Id, @Slug, @Name, @Plan, @allowed, @Model, @Replication, @owners, @at)",
                new
                {
                    tenant.Id,
                    tenant.Slug,
                    tenant.Name,
                    tenant.Plan,
                    tenant.Model,
                    tenant.Replication,
                    allowed = JsonSerializer.Serialize(tenant.AllowedRegions, Json),
                    owners = JsonSerializer.Serialize(tenant.RegionOwners, Json),
                    at = tenant.CreatedAt.ToString("O"),
                }, tx);
            AppendChange(c, tx, ChangeKinds.Tenant, tenant.Id, new TenantDoc(tenant.Id, tenant.Slug, tenant.AllowedRegions, tenant.Model, tenant.Replication));
            WriteAudit(c, tx, audit with { TenantId = tenant.Id }, "tenant:" + tenant.Slug, "success");
            return tenant;
        }, ct);

    /// <summary>The service and its first integration key, or null when the tenant already has a service with this slug.</summary>
    public Task<(ServiceView Service, string IntegrationKey)?> CreateServiceAsync(
        TenantView tenant, string slug, string name, string homeRegion, int? staleAfterMinutes, Audit audit, CancellationToken ct) =>
        writer.WriteAsync<(ServiceView Service, string IntegrationKey)?>((c, tx) =>
        {
            // Checked again inside the single writer, as for tenants: concurrent creates race past the endpoint's check.
            if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM services WHERE tenant_id = @id AND slug = @slug", new { id = tenant.Id, slug }, tx) > 0)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var service = new ServiceRow
            {
                id = Secrets.NewId("svc"),
                tenant_id = tenant.Id,
                slug = slug,
                name = name,
                home_region = homeRegion,
                stale_after_minutes = staleAfterMinutes,
                created_at = now.ToString("O"),
            };
            c.Execute(
                "INSERT INTO services (id, tenant_id, slug, name, home_region, stale_after_minutes, created_at) " +
                "VALUES (@id, @tenant_id, @slug, @name, @home_region, @stale_after_minutes, @created_at)", service, tx);
            AppendChange(c, tx, ChangeKinds.Service, service.id, new ServiceDoc(service.id, tenant.Id, slug, homeRegion, staleAfterMinutes));

            var key = Secrets.NewIntegrationKey();
            var integration = new IntegrationRow
            {
                id = Secrets.NewId("int"),
                service_id = service.id,
                key_hash = Secrets.Hash(key),
                key_hint = key[..4],
                created_at = now.ToString("O"),
            };
            c.Execute(
                "INSERT INTO integrations (id, service_id, key_hash, key_hint, created_at) VALUES (@id, @service_id, @key_hash, @key_hint, @created_at)",
                integration, tx);
            AppendChange(c, tx, ChangeKinds.Integration, integration.id, new IntegrationDoc(integration.id, service.id, integration.key_hash, false));
            WriteAudit(c, tx, audit with { TenantId = tenant.Id }, $"service:{tenant.Slug}/{slug}", "success");
            return (service.ToView(tenant.Slug, [integration.ToView()]), key);
        }, ct);

    /// <summary>Adds an integration to a service with a key the caller chose (fixtures, migrations from another tool).</summary>
    /// <remarks>Null when the key is already in use (checked inside the single writer, so concurrent adds cannot both pass).</remarks>
    public Task<IntegrationView?> AddIntegrationAsync(string serviceId, string key, Audit audit, string target, CancellationToken ct) =>
        writer.WriteAsync<IntegrationView?>((c, tx) =>
        {
            var row = new IntegrationRow
            {
                id = Secrets.NewId("int"),
                service_id = serviceId,
                key_hash = Secrets.Hash(key),
                key_hint = key[..4],
                created_at = Now(),
            };
            if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM integrations WHERE key_hash = @key_hash", row, tx) > 0)
            {
                return null;
            }

            c.Execute(
                "INSERT INTO integrations (id, service_id, key_hash, key_hint, created_at) VALUES (@id, @service_id, @key_hash, @key_hint, @created_at)",
                row, tx);
            AppendChange(c, tx, ChangeKinds.Integration, row.id, new IntegrationDoc(row.id, serviceId, row.key_hash, false));
            WriteAudit(c, tx, audit, target, "success");
            return row.ToView();
        }, ct);

    public async Task<bool> IntegrationKeyExistsAsync(string key, CancellationToken ct)
    {
        await using var c = database.Open();
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM integrations WHERE key_hash = @hash", new { hash = Secrets.Hash(key) }, cancellationToken: ct)) > 0;
    }

    public Task<CreatedApiKey> CreateApiKeyAsync(
        string? tenantId, string name, Role role, Audit audit, string target, CancellationToken ct, (string KeyId, string Token, string SecretHash)? made = null) =>
        writer.WriteAsync((c, tx) =>
        {
            var (keyId, token, hash) = made ?? Secrets.NewApiKey();
            var row = new ApiKeyRow { id = keyId, tenant_id = tenantId, name = name, role = role.Name(), secret_hash = hash, created_at = Now() };
            c.Execute(
                "INSERT INTO api_keys (id, tenant_id, name, role, secret_hash, created_at) VALUES (@id, @tenant_id, @name, @role, @secret_hash, @created_at)",
                row, tx);
            AppendChange(c, tx, ChangeKinds.ApiKey, keyId, new ApiKeyDoc(keyId, tenantId, row.role, hash, false));
            WriteAudit(c, tx, audit, target + "/api-key:" + keyId, "success");
            return new CreatedApiKey(row.ToView(), token);
        }, ct);

    public Task<ApiKeyView?> RevokeApiKeyAsync(string tenantId, string keyId, Audit audit, string target, CancellationToken ct) =>
        writer.WriteAsync((c, tx) =>
        {
            var row = c.QuerySingleOrDefault<ApiKeyRow>("SELECT * FROM api_keys WHERE id = @keyId AND tenant_id = @tenantId", new { keyId, tenantId }, tx);
            if (row is null)
            {
                return null;
            }

            if (row.revoked_at is null)
            {
                row.revoked_at = Now();
                c.Execute("UPDATE api_keys SET revoked_at = @revoked_at WHERE id = @id", row, tx);
                AppendChange(c, tx, ChangeKinds.ApiKey, keyId, new ApiKeyDoc(keyId, tenantId, row.role, row.secret_hash, true));
                WriteAudit(c, tx, audit, target + "/api-key:" + keyId, "success");
            }
            else
            {
                // Asked again: recorded too (as a region records an incident action that
                // changed nothing), so the log shows every attempt on a key.
                WriteAudit(c, tx, audit, target + "/api-key:" + keyId, "unchanged");
            }

            return row.ToView();
        }, ct);

    /// <summary>Records a refused action of an authenticated caller: security teams want to see these.</summary>
    public Task RecordDeniedAsync(Audit audit, string target, CancellationToken ct) =>
        writer.WriteAsync((c, tx) => { WriteAudit(c, tx, audit, target, "denied"); return 0; }, ct);

    private void AppendChange<T>(SqliteConnection c, SqliteTransaction tx, string kind, string entityId, T doc) =>
        c.Execute(
            "INSERT INTO changes (kind, entity_id, doc, created_at) VALUES (@kind, @entityId, @doc, @at)",
            new { kind, entityId, doc = JsonSerializer.Serialize(doc, Json), at = Now() }, tx);

    private void WriteAudit(SqliteConnection c, SqliteTransaction tx, Audit audit, string target, string outcome) =>
        AuditLog.Write(c, tx, new AuditLog.Entry(audit.Actor, audit.TenantId, audit.Action, target, audit.RequestId, outcome), time.GetUtcNow());

    private string Now() => time.GetUtcNow().ToString("O");

#pragma warning disable IDE1006, SA1300 // row types mirror column names for Dapper
    private sealed class TenantRow
    {
        public string id { get; set; } = "";
        public string slug { get; set; } = "";
        public string name { get; set; } = "";
        public string plan { get; set; } = "";
        public string allowed_regions { get; set; } = "[]";
        public string model { get; set; } = "";
        public bool replication { get; set; }
        public string region_owners { get; set; } = "{}";
        public string created_at { get; set; } = "";

        public TenantView ToView() => new(
            id, slug, name, plan,
            JsonSerializer.Deserialize<List<string>>(allowed_regions, Json)!,
            model, replication,
            JsonSerializer.Deserialize<Dictionary<string, RegionOwner>>(region_owners, Json)!,
            DateTimeOffset.Parse(created_at, System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed class ServiceRow
    {
        public string id { get; set; } = "";
        public string tenant_id { get; set; } = "";
        public string slug { get; set; } = "";
        public string name { get; set; } = "";
        public string home_region { get; set; } = "";
        public int? stale_after_minutes { get; set; }
        public string created_at { get; set; } = "";

        public ServiceView ToView(string tenantSlug, IReadOnlyList<IntegrationView> integrations) => new(
            id, tenant_id, tenantSlug, slug, name, home_region, stale_after_minutes, integrations,
            DateTimeOffset.Parse(created_at, System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed class IntegrationRow
    {
        public string id { get; set; } = "";
        public string service_id { get; set; } = "";
        public string key_hash { get; set; } = "";
        public string key_hint { get; set; } = "";
        public bool disabled { get; set; }
        public string created_at { get; set; } = "";

        public IntegrationView ToView() => new(id, key_hint + "…", DateTimeOffset.Parse(created_at, System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed class ApiKeyRow
    {
        public string id { get; set; } = "";
        public string? tenant_id { get; set; }
        public string name { get; set; } = "";
        public string role { get; set; } = "";
        public string secret_hash { get; set; } = "";
        public string created_at { get; set; } = "";
        public string? revoked_at { get; set; }

        public ApiKeyView ToView() => new(
            id, tenant_id, name, role,
            DateTimeOffset.Parse(created_at, System.Globalization.CultureInfo.InvariantCulture),
            revoked_at is null ? null : DateTimeOffset.Parse(revoked_at, System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed class ChangeRow
    {
        public long revision { get; set; }
        public string kind { get; set; } = "";
        public string entity_id { get; set; } = "";
        public string doc { get; set; } = "";
    }

#pragma warning restore IDE1006, SA1300
}
