using Microsoft.Data.Sqlite;
using Nova.Storage;

namespace Nova.Region.Incidents;

/// <summary>
/// The open incidents of each Alertmanager group (service and blind index of the group key),
/// kept in memory by the writer. A new alert asks which open incident its group has; answered
/// from an index on disk, every new incident would add an entry at a random place in that
/// index (the blind index is a keyed hash), a page written to the log per alert. Loaded from
/// the open incidents at the first write; changes follow the writer's transactions.
/// </summary>
internal sealed class OpenGroups : IWriterState
{
    // Usually one open incident per group; more only in rare paths (an alert that fires again
    // joins its earlier incident). The newest (highest id: ids are time-ordered) is last.
    private readonly Dictionary<(string ServiceId, string GroupIndex), List<string>> _open = [];
    private readonly Dictionary<string, (string ServiceId, string GroupIndex)> _groupOf = new(StringComparer.Ordinal);
    private readonly List<(bool Opened, string IncidentId, string ServiceId, string GroupIndex, int Position)> _undo = [];
    private bool _loaded;

    /// <summary>The newest open incident of the group, or null.</summary>
    public string? Newest(string serviceId, string groupIndex) =>
        _open.TryGetValue((serviceId, groupIndex), out var ids) ? ids[^1] : null;

    /// <summary>An incident of the group was opened.</summary>
    public void Opened(string incidentId, string serviceId, string groupIndex)
    {
        Add(incidentId, serviceId, groupIndex);
        _undo.Add((true, incidentId, serviceId, groupIndex, -1));
    }

    /// <summary>An incident was resolved: it no longer takes its group's alerts.</summary>
    public void Closed(string incidentId)
    {
        if (_groupOf.TryGetValue(incidentId, out var group))
        {
            var position = Remove(incidentId, group);
            _undo.Add((false, incidentId, group.ServiceId, group.GroupIndex, position));
        }
    }

    public void Begin(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (_loaded)
        {
            return;
        }

        // From scratch, so a load that failed halfway (or a discarded state) leaves no duplicates.
        Discard();
        using var reader = connection.Prepared(transaction,
            "SELECT id, service_id, group_index FROM incidents WHERE status <> 'resolved' AND group_index IS NOT NULL ORDER BY id")
            .ExecuteReader();
        while (reader.Read())
        {
            Add(reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }

        _loaded = true;
    }

    public void Discard()
    {
        _open.Clear();
        _groupOf.Clear();
        _undo.Clear();
        _loaded = false;
    }

    public int Mark() => _undo.Count;

    public void RollbackTo(int mark)
    {
        for (var i = _undo.Count - 1; i >= mark; i--)
        {
            var (opened, id, serviceId, groupIndex, position) = _undo[i];
            if (opened)
            {
                Remove(id, (serviceId, groupIndex));
            }
            else
            {
                Add(id, serviceId, groupIndex, position);
            }
        }

        _undo.RemoveRange(mark, _undo.Count - mark);
    }

    public void Commit() => _undo.Clear();

    /// <summary>Adds the incident to its group: as the newest, or back where it was (undo).</summary>
    private void Add(string incidentId, string serviceId, string groupIndex, int position = -1)
    {
        if (!_open.TryGetValue((serviceId, groupIndex), out var ids))
        {
            _open[(serviceId, groupIndex)] = ids = new List<string>(1);
        }

        ids.Insert(position < 0 ? ids.Count : Math.Min(position, ids.Count), incidentId);
        _groupOf[incidentId] = (serviceId, groupIndex);
    }

    /// <summary>Removes the incident from its group; returns where it was in the group's list.</summary>
    private int Remove(string incidentId, (string ServiceId, string GroupIndex) group)
    {
        _groupOf.Remove(incidentId);
        if (!_open.TryGetValue(group, out var ids))
        {
            return -1;
        }

        var position = ids.IndexOf(incidentId);
        if (position >= 0)
        {
            ids.RemoveAt(position);
        }

        if (ids.Count == 0)
        {
            _open.Remove(group);
        }

        return position;
    }
}
