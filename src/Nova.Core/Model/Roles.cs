namespace Nova.Core.Model;

/// <summary>What an API key may do. Operator keys (no tenant) act on every tenant.</summary>
public enum Role
{
    Viewer,
    Auditor,
    Responder,
    Admin,
    Owner,
}

public static class Roles
{
    public static readonly IReadOnlyList<string> Names = ["owner", "admin", "responder", "viewer", "auditor"];

    public static bool TryParse(string? text, out Role role)
    {
        switch (text)
        {
            case "owner": role = Role.Owner; return true;
            case "admin": role = Role.Admin; return true;
            case "responder": role = Role.Responder; return true;
            case "viewer": role = Role.Viewer; return true;
            case "auditor": role = Role.Auditor; return true;
            default: role = default; return false;
        }
    }

    public static string Name(this Role role) => role switch
    {
        Role.Owner => "owner",
        Role.Admin => "admin",
        Role.Responder => "responder",
        Role.Auditor => "auditor",
        _ => "viewer",
    };

    /// <summary>Reads incidents: every role, auditors included (they answer auditors about incidents).</summary>
    public static bool CanRead(this Role role) => role is Role.Viewer or Role.Responder or Role.Admin or Role.Owner or Role.Auditor;

    public static bool CanRespond(this Role role) => role is Role.Responder or Role.Admin or Role.Owner;

    public static bool CanConfigure(this Role role) => role is Role.Admin or Role.Owner;

    public static bool CanAudit(this Role role) => role is Role.Auditor or Role.Admin or Role.Owner;
}
