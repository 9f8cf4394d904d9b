using Microsoft.AspNetCore.Http;
using Nova.Core.Model;

namespace Nova.ControlPlane;

/// <summary>Who is calling: an API key with a role, scoped to one tenant or (operator) to all.</summary>
public sealed record Caller(string KeyId, string? TenantId, Role Role)
{
    public bool IsOperator => TenantId is null && Role == Role.Owner;

    public bool Sees(string tenantId) => TenantId is null || TenantId == tenantId;

    public static Caller Of(HttpContext context) => (Caller)context.Items[typeof(Caller)]!;
}
