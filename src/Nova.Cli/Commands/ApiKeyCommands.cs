using System.CommandLine;
using Nova.Contracts;
using Spectre.Console;

namespace Nova.Cli.Commands;

internal static class ApiKeyCommands
{
    public static Command Create()
    {
        var tenant = new Argument<string>("tenant") { Description = "Tenant slug." };
        var role = new Option<string>("--role") { Description = "owner, admin, responder, viewer or auditor.", Required = true };
        var name = new Option<string>("--name") { Description = "What the key is for (shown in the audit log).", Required = true };
        var create = new Command("create", "Create an API key for a tenant; the secret is shown once.") { tenant, role, name };
        create.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var created = await client.PostAsync<CreatedApiKey>(
                client.Control($"/v1/tenants/{Uri.EscapeDataString(parse.GetValue(tenant)!)}/api-keys"),
                new CreateApiKeyRequest(parse.GetValue(name), parse.GetValue(role)), ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(created);
                return;
            }

            Console.WriteLine($"Created {created.Key.Role} key {created.Key.Id} ({created.Key.Name}). Secret (shown once):");
            Console.WriteLine(created.Secret);
        }));

        var listTenant = new Argument<string>("tenant") { Description = "Tenant slug." };
        var list = new Command("list", "List a tenant's API keys (never their secrets).") { listTenant };
        list.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var keys = await client.GetAsync<List<ApiKeyView>>(client.Control($"/v1/tenants/{Uri.EscapeDataString(parse.GetValue(listTenant)!)}/api-keys"), ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(keys);
                return;
            }

            var table = Cli.Table("ID", "NAME", "ROLE", "CREATED", "REVOKED");
            foreach (var k in keys)
            {
                table.AddRow(k.Id, Cli.Esc(k.Name), k.Role, k.CreatedAt.ToString("u"), k.RevokedAt?.ToString("u") ?? "");
            }

            AnsiConsole.Write(table);
        }));

        var revokeTenant = new Argument<string>("tenant") { Description = "Tenant slug." };
        var keyId = new Argument<string>("key-id") { Description = "The key's id (key_…)." };
        var revoke = new Command("revoke", "Revoke an API key; regions refuse it once they sync (within seconds).") { revokeTenant, keyId };
        revoke.SetAction(Cli.Action(async (parse, ct) =>
        {
            using var client = Cli.Client(parse);
            var key = await client.DeleteAsync<ApiKeyView>(
                client.Control($"/v1/tenants/{Uri.EscapeDataString(parse.GetValue(revokeTenant)!)}/api-keys/{Uri.EscapeDataString(parse.GetValue(keyId)!)}"), ct);
            if (Cli.WantsJson(parse))
            {
                Cli.PrintJson(key);
                return;
            }

            Console.WriteLine($"Revoked {key.Id} ({key.Name}).");
        }));

        return new Command("api-key", "API keys for people and tools, with a role.") { create, list, revoke };
    }
}
