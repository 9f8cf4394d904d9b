using Microsoft.AspNetCore.Http;
using Nova.Contracts;
using Nova.Core.Model;
using Nova.Security;

namespace Nova.Hosting;

/// <summary>Who is calling: an API key with a role, scoped to one tenant or (operator) to all.</summary>
public sealed record ApiCaller(string KeyId, string? TenantId, Role Role)
{
    public bool IsOperator => TenantId is null && Role == Role.Owner;

    public bool Sees(string tenantId) => TenantId is null || TenantId == tenantId;
}

/// <summary>
/// Checks a bearer API key the same way in every plane; only where the key is looked up
/// differs (the control plane's table, a region's cached configuration).
/// </summary>
public static class ApiKeyAuth
{
    public static async ValueTask<(ApiCaller? Caller, IResult? Problem)> AuthenticateAsync(
        HttpRequest request, Func<string, ValueTask<ApiKeyDoc?>> find, string unknownHint)
    {
        var token = Bearer.From(request);
        if (token is null)
        {
            return (null, Problems.Unauthorized("Send an API key as 'Authorization: Bearer nova_key_…' (nova up writes the operator key to its data folder)."));
        }

        if (!Secrets.TryParseApiKey(token, out var keyId, out var secret))
        {
            return (null, Problems.Unauthorized("The API key is not in Nova's format (nova_key_…); check for a truncated or pasted-wrong key."));
        }

        var key = await find(keyId);
        if (key is null || !Secrets.HashEquals(key.SecretHash, Secrets.Hash(secret)))
        {
            return (null, Problems.Unauthorized("The API key is unknown; " + unknownHint));
        }

        if (key.Revoked)
        {
            return (null, Problems.Unauthorized($"The API key {keyId} was revoked; use another key."));
        }

        return Roles.TryParse(key.Role, out var role)
            ? (new ApiCaller(keyId, key.TenantId, role), null)
            : (null, Problems.Unauthorized($"The API key {keyId} has an unknown role '{key.Role}'."));
    }
}
