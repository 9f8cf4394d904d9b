using System.CommandLine;
using Nova.Cli.Client;
using Nova.Contracts;

namespace Nova.Cli.Commands;

/// <summary>
/// How every command that works inside one tenant names it: <c>--tenant SLUG</c> (<c>-t</c>),
/// a scope flag like kubectl's <c>--namespace</c>, gh's <c>--repo</c> or heroku's <c>--app</c>.
/// Positionals stay for what the command acts on (an incident id, a key id, a service). Left
/// out, the tenant is the only one the API key can see, so a tenant's own key never needs it.
/// </summary>
/// <remarks>
/// Commands that took the tenant as a positional before (<c>service list acme</c>,
/// <c>api-key create|list acme</c>, <c>api-key revoke acme KEY</c>, <c>service create
/// acme/payments</c>) still accept it, hidden from help: each is unambiguous by the number of
/// positionals or the slash, and scripts written against them keep working.
/// </remarks>
internal static class TenantScope
{
    public static Option<string?> Option(string description = "Tenant slug (default: the only tenant your API key can see).") =>
        new("--tenant", "-t") { Description = description, HelpName = "slug" };

    /// <summary>The tenant as a positional, the spelling before --tenant: accepted, not shown in help.</summary>
    public static Argument<string?> OldPositional()
    {
        var argument = new Argument<string?>("tenant") { Arity = ArgumentArity.ZeroOrOne, Hidden = true };
        // No slug starts with a dash: this is an unknown option, not a tenant (one close to an
        // option is caught before, with a suggestion).
        argument.Validators.Add(result =>
        {
            if (result.Tokens is [var token] && token.Value.StartsWith('-'))
            {
                result.AddError(Cli.Unrecognized(token.Value, guess: null));
            }
        });
        return argument;
    }

    /// <summary>The tenant named by --tenant or by an old spelling (both at once must agree), or null.</summary>
    public static string? Named(string? option, string? oldSpelling)
    {
        if (option is not null && oldSpelling is not null && option != oldSpelling)
        {
            throw new CliError($"Two tenants given, '{Cli.Safe(oldSpelling)}' and --tenant '{Cli.Safe(option)}'; name it once, with --tenant.");
        }

        return option ?? oldSpelling;
    }

    /// <summary>The tenant's slug: the one named, else the only tenant the key can see.</summary>
    public static async Task<string> SlugAsync(NovaClient client, string? named, CancellationToken ct) =>
        named ?? (await OnlyVisibleAsync(client, ct)).Slug;

    /// <summary>The tenant named (by slug or id), else the only tenant the key can see.</summary>
    public static async Task<TenantView> ViewAsync(NovaClient client, string? named, CancellationToken ct) =>
        named is not null
            ? await client.GetAsync<TenantView>(client.Control($"/v1/tenants/{Uri.EscapeDataString(named)}"), ct)
            : await OnlyVisibleAsync(client, ct);

    private static async Task<TenantView> OnlyVisibleAsync(NovaClient client, CancellationToken ct)
    {
        var visible = await client.GetAsync<List<TenantView>>(client.Control("/v1/tenants"), ct);
        return visible.Count switch
        {
            1 => visible[0],
            0 => throw new CliError("No tenant yet; " + TenantCommands.CreateHint),
            _ => throw new CliError($"This key sees {visible.Count} tenants ({string.Join(", ", visible.Select(t => t.Slug).Take(5))}{(visible.Count > 5 ? ", …" : "")}); name one with --tenant SLUG."),
        };
    }
}
