package dev.omnibus.jdbc.internal;

import dev.omnibus.Message;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The outbox table's SQL and the exact mapping between a {@link Message} and a row. */
public final class OutboxSql {
    private final TableName table;
    private final String insert;
    private final String selectPending;
    private final String pendingOfKeys;
    private final String markSent;
    private final String backlog;
    private final String prune;

    /** One pending row as the relay sees it. */
    public record Row(long seq, String topic, String key, Message message) {}

    public OutboxSql(TableName table) {
        this.table = table;
        String t = table.qualified();
        this.insert = "INSERT INTO " + t + " (id, topic, message_key, ce_source, ce_type, ce_subject, ce_time,"
                + " ce_datacontenttype, ce_dataschema, extensions, data)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, jsonb_object(?::text[], ?::text[]), ?)";
        this.selectPending = "SELECT o.seq, o.topic, o.message_key, o.id, o.ce_source, o.ce_type, o.ce_subject, o.ce_time,"
                + " o.ce_datacontenttype, o.ce_dataschema,"
                + " (SELECT array_agg(ARRAY[e.key, e.value]) FROM jsonb_each_text(o.extensions) e) AS ext, o.data"
                + " FROM " + t + " o WHERE o.sent_at IS NULL ORDER BY o.seq LIMIT ? FOR UPDATE OF o SKIP LOCKED";
        this.pendingOfKeys = "SELECT message_key, seq FROM " + t
                + " WHERE sent_at IS NULL AND message_key = ANY(?) AND seq <= ? ORDER BY message_key, seq";
        this.markSent = "UPDATE " + t + " SET sent_at = clock_timestamp() WHERE seq = ANY(?)";
        this.backlog = "SELECT count(*), extract(epoch FROM (clock_timestamp() - min(created_at))) FROM " + t
                + " WHERE sent_at IS NULL";
        this.prune = "DELETE FROM " + t + " WHERE sent_at IS NOT NULL AND sent_at < clock_timestamp() - make_interval(secs => ?)";
    }

    public TableName table() { return table; }
    public String pendingOfKeys() { return pendingOfKeys; }
    public String markSent() { return markSent; }
    public String backlog() { return backlog; }
    public String prune() { return prune; }
    public String selectPending() { return selectPending; }

    /** Inserts {@code message} for {@code topic} on {@code c}, in whatever transaction c is in. */
    public void insert(Connection c, String topic, Message message) throws SQLException {
        Map<String, String> ext = message.extensions();
        String[] names = ext.keySet().toArray(String[]::new);
        String[] values = ext.values().toArray(String[]::new);
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            ps.setString(1, message.id());
            ps.setString(2, topic);
            ps.setString(3, message.key());
            ps.setString(4, message.source());
            ps.setString(5, message.type());
            setNullable(ps, 6, message.subject());
            ps.setString(7, message.time().toString());
            setNullable(ps, 8, message.dataContentType());
            setNullable(ps, 9, message.dataSchema());
            ps.setArray(10, c.createArrayOf("text", names));
            ps.setArray(11, c.createArrayOf("text", values));
            ps.setBytes(12, message.data());
            ps.executeUpdate();
        }
    }

    /** Reads the current row of a {@link #selectPending()} result. */
    public static Row read(ResultSet rs) throws SQLException {
        Message.Builder b = Message.builder()
                .id(rs.getString("id"))
                .source(rs.getString("ce_source"))
                .type(rs.getString("ce_type"))
                .subject(rs.getString("ce_subject"))
                .time(Instant.parse(rs.getString("ce_time")))
                .dataSchema(rs.getString("ce_dataschema"));
        Array ext = rs.getArray("ext");
        if (ext != null) {
            Object[] pairs = (Object[]) ext.getArray();
            Map<String, String> map = new LinkedHashMap<>();
            for (Object pair : pairs) {
                Object[] kv = (Object[]) pair;
                map.put((String) kv[0], (String) kv[1]);
            }
            b.extensions(map);
            ext.free();
        }
        b.data(rs.getBytes("data"), rs.getString("ce_datacontenttype"));
        return new Row(rs.getLong("seq"), rs.getString("topic"), rs.getString("message_key"), b.build());
    }

    private static void setNullable(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) ps.setNull(index, Types.VARCHAR); else ps.setString(index, value);
    }
}
