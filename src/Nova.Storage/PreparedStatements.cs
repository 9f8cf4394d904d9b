using System.Data;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Nova.Storage;

/// <summary>
/// Statements prepared once per connection and reused, bound by position and stepped through
/// SQLite's own interface. The writer's hot path runs the same dozen statements thousands of
/// times a second: Dapper (or a new <see cref="SqliteCommand"/>) parses and plans the SQL on
/// every call, and even a cached <see cref="SqliteCommand"/> looks every parameter up by name
/// and builds a data reader on each execution, which together cost more than running it.
/// </summary>
/// <remarks>
/// Use from one thread at a time per connection (as every connection is used), and finish
/// with a statement (dispose its reader) before using the same SQL again. The statements are
/// finalized when their connection closes.
/// </remarks>
public static class PreparedStatements
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, Statement>> Caches = new();

    /// <summary>
    /// The cached statement for <paramref name="sql"/> on <paramref name="connection"/>, whose
    /// named parameters are bound in the order <paramref name="parameters"/> lists them
    /// (<see cref="Statement.Bind(object?)"/> and friends). It runs in whatever transaction the
    /// connection has open: <paramref name="transaction"/> must be that one.
    /// </summary>
    public static Statement Prepared(this SqliteConnection connection, SqliteTransaction? transaction, string sql, params ReadOnlySpan<string> parameters)
    {
        if (transaction is not null && transaction.Connection != connection)
        {
            throw new InvalidOperationException(transaction.Connection is null
                ? "The transaction is already committed or rolled back."
                : "The transaction belongs to another connection.");
        }

        var cache = Caches.GetValue(connection, static c =>
        {
            var statements = new Dictionary<string, Statement>(StringComparer.Ordinal);
            c.StateChange += (_, e) =>
            {
                if (e.CurrentState == ConnectionState.Closed)
                {
                    foreach (var statement in statements.Values)
                    {
                        statement.Dispose();
                    }

                    statements.Clear();
                }
            };
            return statements;
        });
        if (!cache.TryGetValue(sql, out var prepared))
        {
            prepared = new Statement(connection.Handle ?? throw new InvalidOperationException("The connection is not open."), sql, parameters);
            cache[sql] = prepared;
        }
        else if (prepared.ParameterCount != parameters.Length)
        {
            throw new InvalidOperationException($"Prepared statement used with {parameters.Length} parameters, cached with {prepared.ParameterCount}: {sql}");
        }

        return prepared;
    }
}

/// <summary>One prepared SQLite statement; see <see cref="PreparedStatements"/>.</summary>
public sealed class Statement : IDisposable
{
    // SQLITE_PREPARE_PERSISTENT: the statement is kept for a long time and reused.
    private const uint PreparePersistent = 0x01;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private readonly int[] _indexes;

    internal Statement(sqlite3 db, string sql, ReadOnlySpan<string> parameters)
    {
        _db = db;
        Check(raw.sqlite3_prepare_v3(db, sql, PreparePersistent, out _stmt, out string tail));
        if (!string.IsNullOrWhiteSpace(tail))
        {
            _stmt.Dispose();
            throw new ArgumentException("A prepared statement must be one SQL statement: " + sql, nameof(sql));
        }

        _indexes = new int[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            _indexes[i] = raw.sqlite3_bind_parameter_index(_stmt, parameters[i]);
            if (_indexes[i] == 0)
            {
                _stmt.Dispose();
                throw new ArgumentException($"The statement has no parameter {parameters[i]}: {sql}", nameof(parameters));
            }
        }

        // Every parameter of the SQL must be listed: one left out would silently be NULL.
        var count = raw.sqlite3_bind_parameter_count(_stmt);
        if (count != _indexes.Distinct().Count())
        {
            _stmt.Dispose();
            throw new ArgumentException($"List every parameter of the statement ({count}), each once: {sql}", nameof(parameters));
        }
    }

    public int ParameterCount => _indexes.Length;

    public Statement Bind(object? a)
    {
        Reset();
        Set(0, a);
        return this;
    }

    public Statement Bind(object? a, object? b)
    {
        Reset();
        Set(0, a);
        Set(1, b);
        return this;
    }

    public Statement Bind(object? a, object? b, object? c)
    {
        Reset();
        Set(0, a);
        Set(1, b);
        Set(2, c);
        return this;
    }

    public Statement Bind(params ReadOnlySpan<object?> values)
    {
        Reset();
        for (var i = 0; i < values.Length; i++)
        {
            Set(i, values[i]);
        }

        return this;
    }

    /// <summary>Runs the statement to its end; the number of rows it changed.</summary>
    public int ExecuteNonQuery()
    {
        // A reader of an earlier run left open must not make this one fail (SQLITE_MISUSE).
        Reset();
        int rc;
        do
        {
            rc = raw.sqlite3_step(_stmt);
        }
        while (rc == raw.SQLITE_ROW);

        raw.sqlite3_reset(_stmt);
        Check(rc == raw.SQLITE_DONE ? raw.SQLITE_OK : rc);
        return raw.sqlite3_changes(_db);
    }

    /// <summary>Steps through the result rows; dispose the reader before running the statement again.</summary>
    public StatementReader ExecuteReader()
    {
        Reset();
        return new(this);
    }

    public void Dispose() => _stmt.Dispose();

    internal bool Step()
    {
        var rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        raw.sqlite3_reset(_stmt);
        Check(rc == raw.SQLITE_DONE ? raw.SQLITE_OK : rc);
        return false;
    }

    internal void Reset() => raw.sqlite3_reset(_stmt);

    internal string GetString(int column) =>
        IsNull(column) ? throw new InvalidCastException($"Column {column} is NULL; check IsDBNull first.") : raw.sqlite3_column_text(_stmt, column).utf8_to_string();

    internal long GetInt64(int column) =>
        IsNull(column) ? throw new InvalidCastException($"Column {column} is NULL; check IsDBNull first.") : raw.sqlite3_column_int64(_stmt, column);

    internal bool IsNull(int column) => raw.sqlite3_column_type(_stmt, column) == raw.SQLITE_NULL;

    private void Set(int index, object? value)
    {
        var at = _indexes[index];
        Check(value switch
        {
            null => raw.sqlite3_bind_null(_stmt, at),
            string s => raw.sqlite3_bind_text16(_stmt, at, s.AsSpan()),
            byte[] b => raw.sqlite3_bind_blob(_stmt, at, b),
            int i => raw.sqlite3_bind_int64(_stmt, at, i),
            long l => raw.sqlite3_bind_int64(_stmt, at, l),
            _ => throw new ArgumentException($"Cannot bind a {value.GetType().Name}: pass a string, byte[], int or long.", nameof(value)),
        });
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}

/// <summary>The rows of one run of a <see cref="Statement"/>; disposing it resets the statement.</summary>
public readonly struct StatementReader : IDisposable
{
    private readonly Statement _statement;

    internal StatementReader(Statement statement) => _statement = statement;

    public bool Read() => _statement.Step();

    public string GetString(int column) => _statement.GetString(column);

    public int GetInt32(int column) => checked((int)_statement.GetInt64(column));

    public bool IsDBNull(int column) => _statement.IsNull(column);

    public void Dispose() => _statement.Reset();
}
