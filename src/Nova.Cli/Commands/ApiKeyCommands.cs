using System.CommandLine;
using Nova.Contracts;

namespace Nova.Cli.Commands;

internal static class ApiKeyCommands
{
    public static Command Create()
    {
        var tenant = TenantScope.Option();
        var oldTenant = TenantScope.OldPositional();
        var role = new Option<string>("--role") { Description = "owner, admin, responder, viewer or auditor.", Required = true };
        var name = new Option<string>("--name") { Description = "What the key is for (shown in the audit log).", Required = true };
        var create = new Command("create", "Create an API key for a tenant; the secret is shown once.") { tenant, oldTenant, role, name };
        create.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var slug = await TenantScope.SlugAsync(client, TenantScope.Named(parse.GetValue(tenant), parse.GetValue(oldTenant)), ct);
            var created = await client.PostAsync<CreatedApiKey>(
                client.Control($"/v1/tenants/{Uri.EscapeDataString(slug)}/api-keys"),
                new CreateApiKeyRequest(parse.GetValue(name), parse.GetValue(role)), ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(created);
                return;
            }

            Console.WriteLine($"Created {created.Key.Role} key {created.Key.Id} ({Cli.Safe(created.Key.Name)}). Secret (shown once):");
            Console.WriteLine(created.Secret);
        }));

        var listTenant = TenantScope.Option();
        var listOldTenant = TenantScope.OldPositional();
        var list = new Command("list", "List a tenant's API keys (never their secrets).") { listTenant, listOldTenant };
        list.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var slug = await TenantScope.SlugAsync(client, TenantScope.Named(parse.GetValue(listTenant), parse.GetValue(listOldTenant)), ct);
            var keys = await client.GetAsync<List<ApiKeyView>>(client.Control($"/v1/tenants/{Uri.EscapeDataString(slug)}/api-keys"), ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(keys);
                return;
            }

            var table = new TextTable(["ID", "NAME", "ROLE", "CREATED", "REVOKED"]);
            foreach (var k in keys)
            {
                table.AddRow(k.Id, k.Name, k.Role, k.CreatedAt.ToString("u"), k.RevokedAt?.ToString("u") ?? "");
            }

            Cli.Write(table, $"{slug} has no API keys; create one with 'nova api-key create --tenant {slug} --role responder --name NAME'.");
        }));

        var revokeTenant = TenantScope.Option();
        var keyId = new Argument<string>("key-id") { Description = "The key's id (key_…)." };
        // 'api-key revoke TENANT KEY_ID', the spelling from before --tenant: with two
        // positionals the first is the tenant. Hidden from help.
        var oldKeyId = new Argument<string?>("old-key-id") { Arity = ArgumentArity.ZeroOrOne, Hidden = true };
        var revoke = new Command("revoke", "Revoke an API key; regions refuse it once they sync (within seconds).") { keyId, oldKeyId, revokeTenant };
        revoke.SetAction(Cli.Action(async (parse, ct) =>
        {
            (string? oldTenant, string id) = parse.GetValue(oldKeyId) is { } old ? (parse.GetValue(keyId), old) : (null, parse.GetValue(keyId)!);
            using var client = Cli.Client(parse);
            var slug = await TenantScope.SlugAsync(client, TenantScope.Named(parse.GetValue(revokeTenant), oldTenant), ct);
            // Revoking is idempotent at the API; asked first, so a second revoke says it changed nothing.
            var keys = client.Control($"/v1/tenants/{Uri.EscapeDataString(slug)}/api-keys");
            var earlier = (await client.GetAsync<List<ApiKeyView>>(keys, ct)).FirstOrDefault(k => k.Id == id && k.RevokedAt is not null);
            var key = earlier ?? await client.DeleteAsync<ApiKeyView>($"{keys}/{Uri.EscapeDataString(id)}", ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(key);
                return;
            }

            Console.WriteLine(earlier is null
                ? $"Revoked {key.Id} ({Cli.Safe(key.Name)})."
                : $"{key.Id} ({Cli.Safe(key.Name)}) was already revoked at {key.RevokedAt:u}; nothing changed.");
        }));

        return new Command("api-key", "API keys for people and tools, with a role.") { create, list, revoke };
    }
}
