using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Nova.Storage;

/// <summary>
/// Statements prepared once per connection and reused. The writer's hot path runs the same
/// dozen statements thousands of times a second; Dapper (or a new <see cref="SqliteCommand"/>)
/// parses and plans the SQL on every call, which cost more than running it. A cached command
/// keeps its prepared sqlite3 statement: each use only binds values and steps.
/// </summary>
/// <remarks>
/// Use from one thread at a time per connection (as every connection is used), and finish
/// with a statement (dispose its reader) before using the same SQL again. The cache lives as
/// long as the connection object; closing the connection finalizes the statements.
/// </remarks>
public static class PreparedStatements
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Caches = new();

    /// <summary>
    /// The cached command for <paramref name="sql"/> on <paramref name="connection"/>, in
    /// <paramref name="transaction"/>, with parameters named <paramref name="parameters"/> (in
    /// that order, set by index with <see cref="Bind(SqliteCommand, object?)"/> and friends).
    /// </summary>
    public static SqliteCommand Prepared(this SqliteConnection connection, SqliteTransaction? transaction, string sql, params ReadOnlySpan<string> parameters)
    {
        var cache = Caches.GetValue(connection, static _ => new Dictionary<string, SqliteCommand>(StringComparer.Ordinal));
        if (!cache.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            }

            cache[sql] = command;
        }
        else if (command.Parameters.Count != parameters.Length)
        {
            throw new InvalidOperationException($"Prepared statement used with {parameters.Length} parameters, cached with {command.Parameters.Count}: {sql}");
        }

        command.Transaction = transaction;
        return command;
    }

    public static SqliteCommand Bind(this SqliteCommand command, object? a)
    {
        Set(command, 0, a);
        return command;
    }

    public static SqliteCommand Bind(this SqliteCommand command, object? a, object? b)
    {
        Set(command, 0, a);
        Set(command, 1, b);
        return command;
    }

    public static SqliteCommand Bind(this SqliteCommand command, object? a, object? b, object? c)
    {
        Set(command, 0, a);
        Set(command, 1, b);
        Set(command, 2, c);
        return command;
    }

    public static SqliteCommand Bind(this SqliteCommand command, params ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            Set(command, i, values[i]);
        }

        return command;
    }

    private static void Set(SqliteCommand command, int index, object? value) =>
        command.Parameters[index].Value = value ?? DBNull.Value;
}
