// The embedded store's schema. Events are unique on (ts, audit_id, stage) — a request stage has one
// stageTimestamp, so this is the auditID + stage key — and scanning the same file twice, or a
// webhook re-send, keeps one copy. Leading with ts makes that index grow at its end: a unique index
// on the random auditID dirtied one page per insert and wrote ~28 KB per event on a million events.
// The other indexes serve the who-did-what questions of `query`; ts ranges use the unique index.
// Each secondary index leads with a column of few values (user, resource, namespace) then ts, so a
// batch's inserts land at the ends of a few runs: (resource, name, ts) put every object's events in
// a run of their own, a batch touched a page per object, and each touched 16 KiB page is written to
// the WAL at commit — 3 µs of the writer's ~15 per webhook event. The name, after ts, is still read
// from the index, so a look-up of one object reads only its rows.
// An event row keeps the audit event's own JSON (its original text where unchanged), not the
// Elasticsearch document: the document is the event plus the columns, and building it again for
// every row was a third of the webhook's main-thread time (bench/webhook.js).
export const SCHEMA_VERSION = 4;
/** What each version changed, for the message that asks for a new store. */
export const SCHEMA_HISTORY = '2: unique on (ts, audit_id, stage); 3: events keep the audit event, not the document; 4: the object index is (resource, ts, name)';

/** Upgrades in place, by the version they upgrade from: only index changes, so old stores keep their events. */
export const MIGRATIONS: Readonly<Record<number, string>> = {
  3: 'DROP INDEX IF EXISTS events_object; CREATE INDEX events_object ON events (resource, ts, name);',
};

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  audit_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  ts TEXT NOT NULL,
  cluster TEXT NOT NULL,
  user TEXT,
  effective_user TEXT,
  actor_kind TEXT,
  verb TEXT NOT NULL,
  resource TEXT,
  subresource TEXT,
  namespace TEXT,
  name TEXT,
  code INTEGER,
  decision TEXT,
  source_ip TEXT,
  user_agent TEXT,
  request_uri TEXT,
  message TEXT,
  event TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_request ON events (ts, audit_id, stage);
CREATE INDEX IF NOT EXISTS events_user ON events (user, ts);
CREATE INDEX IF NOT EXISTS events_effective_user ON events (effective_user, ts) WHERE effective_user IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_object ON events (resource, ts, name);
CREATE INDEX IF NOT EXISTS events_namespace ON events (namespace, ts);

CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY,
  ts TEXT NOT NULL,
  cluster TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  rule_name TEXT NOT NULL,
  severity TEXT NOT NULL,
  user TEXT,
  audit_id TEXT NOT NULL,
  resource TEXT,
  namespace TEXT,
  name TEXT,
  message TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_ts ON alerts (ts);
CREATE INDEX IF NOT EXISTS alerts_rule ON alerts (rule_id, ts);

CREATE TABLE IF NOT EXISTS rejected (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  line INTEGER,
  item INTEGER,
  reason TEXT NOT NULL,
  text TEXT NOT NULL,
  cluster TEXT,
  seen_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS rejected_place ON rejected (source, IFNULL(line, -1), IFNULL(item, -1), reason);
`;
