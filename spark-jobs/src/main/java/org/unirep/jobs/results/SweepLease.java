package org.unirep.jobs.results;

import com.typesafe.config.Config;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unirep.io.HadoopFiles;
import org.unirep.io.Json;

/**
 * One active submission per (results root, sweep id): {@code _leases/SWEEP_ID.json} names its
 * holder (host, pid, start time) and is created atomically (see
 * {@link HadoopFiles#createExclusive}); its modification time is the last renewal, every ttl/4.
 * A lease not renewed for its ttl, or held by a process of this host that is gone (a killed
 * driver), is taken over by moving it aside first, so two submissions taking over at once cannot
 * both win. A holder that finds its lease gone or replaced calls {@code onLost} (the sweep cancels
 * its Spark jobs). On s3a, where create and rename are not atomic, two submissions started within
 * the same second can both take the lease; everything else holds.
 */
public final class SweepLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SweepLease.class);

    /** What the lease file holds; {@code application}, {@code attempt}: the Spark application's id and attempt id ("" where there is none). */
    public record Holder(String token, String host, long pid, String processStart, String startedAt, long ttlMillis, String application,
                         String attempt) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("token", token);
            m.put("host", host);
            m.put("pid", pid);
            m.put("process_start", processStart);
            m.put("started_at", startedAt);
            m.put("ttl_ms", ttlMillis);
            m.put("application", application);
            m.put("attempt", attempt);
            return m;
        }

        static Holder parse(String json, String origin) {
            Config c = Json.parse(json, origin);
            return new Holder(c.getString("token"), c.getString("host"), c.getLong("pid"), c.getString("process_start"),
                    c.getString("started_at"), c.getLong("ttl_ms"), c.hasPath("application") ? c.getString("application") : "",
                    c.hasPath("attempt") ? c.getString("attempt") : "");
        }

        public String describe() {
            return "host " + host + ", pid " + pid + ", started " + startedAt + (application.isEmpty() ? "" : ", application "
                    + application + (attempt.isEmpty() ? "" : " attempt " + attempt));
        }
    }

    /** Thrown when another submission holds the lease and waiting was not asked for. */
    public static final class HeldException extends IOException {
        public HeldException(String message) { super(message); }
    }

    /** RETRIED: held by an earlier attempt of this Spark application (YARN starts a new attempt only once the old one ended). */
    enum State { LIVE, EXPIRED, DEAD, RETRIED }

    private final HadoopFiles files;
    private final String path;
    private final Holder me;
    private final Runnable onLost;
    private final AtomicBoolean losing = new AtomicBoolean();
    private volatile boolean lost;
    private final ScheduledExecutorService renewer;
    private volatile long lastRenewal = System.currentTimeMillis();

    private SweepLease(HadoopFiles files, String path, Holder me, Runnable onLost) {
        this.files = files;
        this.path = path;
        this.me = me;
        this.onLost = onLost;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sweep-lease");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(200, me.ttlMillis() / 4);
        renewer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    public static String path(ResultsLayout layout, String sweepId) {
        return HadoopFiles.join(layout.root(), "_leases/" + sweepId + ".json");
    }

    /** As below, outside a Spark application. */
    public static SweepLease acquire(HadoopFiles files, ResultsLayout layout, String sweepId, Duration ttl, boolean wait,
                                     Runnable onLost) throws IOException, InterruptedException {
        return acquire(files, layout, sweepId, "", "", ttl, wait, onLost);
    }

    /**
     * Takes the lease, or throws {@link HeldException} naming the holder; with {@code wait}, polls
     * until the holder ends (or its lease expires). {@code application}, {@code attempt}: this Spark
     * application's id and attempt id; a lease held by another attempt of the same application is taken over.
     */
    public static SweepLease acquire(HadoopFiles files, ResultsLayout layout, String sweepId, String application, String attempt,
                                     Duration ttl, boolean wait, Runnable onLost) throws IOException, InterruptedException {
        String path = path(layout, sweepId);
        ProcessHandle self = ProcessHandle.current();
        Holder me = new Holder(UUID.randomUUID().toString(), RunRecords.host(), self.pid(), processStart(self),
                Instant.now().toString(), ttl.toMillis(), application, attempt);
        byte[] content = Json.render(me.toMap()).getBytes(StandardCharsets.UTF_8);
        boolean waiting = false;
        while (true) {
            if (files.createExclusive(path, content)) {
                log.info("sweep {}: lease taken ({})", sweepId, files.qualify(path));
                return new SweepLease(files, path, me, onLost);
            }
            Holder h = read(files, path);
            long age;
            try {
                age = System.currentTimeMillis() - files.status(path).getModificationTime();
            } catch (FileNotFoundException e) {
                continue; // released between our create and our look
            }
            State s = state(h, age, me);
            if (s != State.LIVE) {
                if (takeOver(files, path, h, me.token())) {
                    log.warn("sweep {}: took over the lease left by {} ({}; last renewed {} s ago)", sweepId,
                            h == null ? "an unreadable lease file" : h.describe(), s == State.DEAD ? "that process is gone"
                                    : s == State.RETRIED ? "an earlier attempt of this application" : "expired",
                            age / 1000);
                }
                continue;
            }
            String holder = h == null ? "a submission whose lease file is being written" : h.describe();
            if (!wait) {
                throw new HeldException("sweep " + sweepId + " is already running at " + layout.root() + ": lease held by " + holder
                        + ", renewed " + Math.max(0, age / 1000) + " s ago (" + files.qualify(path) + "). Wait for it to end, rerun with"
                        + " --wait to start after it, or, if it is dead on another host, delete that file (it expires "
                        + (h == null ? ttl.toSeconds() : h.ttlMillis() / 1000) + " s after its last renewal).");
            }
            if (!waiting) log.info("sweep {}: waiting for the submission holding the lease ({})", sweepId, holder);
            waiting = true;
            Thread.sleep(Math.min(5000, Math.max(100, ttl.toMillis() / 4)));
        }
    }

    static State state(Holder h, long ageMillis, Holder me) {
        if (h == null) return ageMillis > 60_000 ? State.EXPIRED : State.LIVE; // half-written by a creator: give it a minute
        if (!h.application().isEmpty() && h.application().equals(me.application()) && !h.attempt().equals(me.attempt())) {
            return State.RETRIED;
        }
        if (h.host().equals(me.host()) && !alive(h)) return State.DEAD;
        return ageMillis > h.ttlMillis() ? State.EXPIRED : State.LIVE;
    }

    private static boolean alive(Holder h) {
        return ProcessHandle.of(h.pid()).filter(ProcessHandle::isAlive)
                .map(p -> h.processStart().isEmpty() || processStart(p).isEmpty() || processStart(p).equals(h.processStart()))
                .orElse(false);
    }

    private static String processStart(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toString).orElse("");
    }

    /** Moves the stale lease aside; if what moved is not the lease we judged stale, puts it back. */
    private static boolean takeOver(HadoopFiles files, String path, Holder seen, String token) throws IOException {
        String aside = path + ".stale-" + token;
        if (!files.rename(path, aside)) return false;
        Holder moved = read(files, aside);
        if (seen != null && (moved == null || !moved.token().equals(seen.token()))) {
            if (!files.exists(path)) files.rename(aside, path);
            return false;
        }
        files.delete(aside);
        return true;
    }

    static Holder read(HadoopFiles files, String path) {
        try {
            return Holder.parse(files.readString(path), path);
        } catch (Exception e) { // missing, empty or half-written
            return null;
        }
    }

    private void renew() {
        if (losing.get()) return;
        try {
            Holder now = read(files, path);
            if (now == null || !now.token().equals(me.token())) {
                lose(now == null ? "the lease file " + path + " is gone" : "the lease was taken over by " + now.describe());
                return;
            }
            files.touch(path);
            lastRenewal = System.currentTimeMillis();
        } catch (Exception e) {
            long since = System.currentTimeMillis() - lastRenewal;
            if (since > me.ttlMillis()) lose("could not renew the lease for " + since / 1000 + " s: " + e.getMessage());
            else log.warn("could not renew the sweep lease {} (will retry): {}", path, e.toString());
        }
    }

    private void lose(String why) {
        if (losing.compareAndSet(false, true)) {
            log.error("sweep lease lost: {}; stopping this submission", why);
            onLost.run();
            lost = true;
        }
    }

    /** True once the lease was lost and {@code onLost} has run. */
    public boolean lost() { return lost; }

    @Override
    public void close() {
        renewer.shutdownNow();
        try {
            Holder now = read(files, path);
            if (now != null && now.token().equals(me.token())) files.delete(path);
        } catch (IOException e) {
            log.warn("could not release the sweep lease {}: {}", path, e.toString());
        }
    }
}
