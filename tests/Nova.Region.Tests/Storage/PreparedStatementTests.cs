using Dapper;
using Microsoft.Data.Sqlite;
using Nova.Storage;

namespace Nova.Region.Tests.Storage;

public sealed class PreparedStatementTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public PreparedStatementTests()
    {
        _connection.Open();
        _connection.Execute("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, data BLOB NULL, copy TEXT NULL)");
    }

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void Values_bind_in_the_order_the_parameter_names_are_listed_whatever_their_order_in_the_sql()
    {
        const string Insert = "INSERT INTO t (id, n, data, copy) VALUES (@id, @n, @data, @id)";
        Assert.Equal(1, _connection.Prepared(null, Insert, "@n", "@data", "@id").Bind(7, new byte[] { 1, 2 }, "a-é").ExecuteNonQuery());
        Assert.Equal(1, _connection.Prepared(null, Insert, "@n", "@data", "@id").Bind(8L, null, "b").ExecuteNonQuery());

        var rows = new List<(string, int, bool, string)>();
        using (var reader = _connection.Prepared(null, "SELECT id, n, data, copy FROM t ORDER BY id").ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2), reader.GetString(3)));
            }
        }

        Assert.Equal([("a-é", 7, false, "a-é"), ("b", 8, true, "b")], rows);
        Assert.Equal([1, 2], _connection.ExecuteScalar<byte[]>("SELECT data FROM t WHERE id = 'a-é'"));
    }

    [Fact]
    public void A_constraint_violation_is_a_sqlite_exception_and_the_statement_can_run_again()
    {
        var insert = _connection.Prepared(null, "INSERT INTO t (id, n) VALUES (@id, @n)", "@id", "@n");
        insert.Bind("x", 1).ExecuteNonQuery();

        var error = Assert.Throws<SqliteException>(() => insert.Bind("x", 2).ExecuteNonQuery());

        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal(1, insert.Bind("y", 3).ExecuteNonQuery());
        Assert.Equal(2, _connection.ExecuteScalar<long>("SELECT COUNT(*) FROM t"));
    }

    [Fact]
    public void A_parameter_name_the_sql_does_not_have_is_refused_when_the_statement_is_prepared()
    {
        var error = Assert.Throws<ArgumentException>(() => _connection.Prepared(null, "SELECT n FROM t WHERE id = @id", "@ID2"));

        Assert.Contains("@ID2", error.Message);
    }

    [Fact]
    public void A_statement_runs_again_when_a_reader_of_its_last_run_was_left_open()
    {
        _connection.Execute("INSERT INTO t (id, n) VALUES ('a', 1), ('b', 2)");
        const string Sql = "SELECT n FROM t WHERE n >= @min ORDER BY n";
        var first = _connection.Prepared(null, Sql, "@min").Bind(1).ExecuteReader();
        Assert.True(first.Read());

        using var again = _connection.Prepared(null, Sql, "@min").Bind(2).ExecuteReader();

        Assert.True(again.Read());
        Assert.Equal(2, again.GetInt32(0));
    }

    [Fact]
    public void A_parameter_of_the_sql_left_out_of_the_list_is_refused_instead_of_bound_as_null()
    {
        var error = Assert.Throws<ArgumentException>(() => _connection.Prepared(null, "INSERT INTO t (id, n) VALUES (@id, @n)", "@id"));

        Assert.Contains("every parameter", error.Message);
    }

    [Fact]
    public void Reading_a_null_column_as_a_value_is_an_error_not_an_empty_value()
    {
        _connection.Execute("INSERT INTO t (id, n) VALUES ('a', 1)");
        using var reader = _connection.Prepared(null, "SELECT data FROM t").ExecuteReader();
        Assert.True(reader.Read());

        Assert.True(reader.IsDBNull(0));
        Assert.Throws<InvalidCastException>(() => reader.GetString(0));
    }
}
