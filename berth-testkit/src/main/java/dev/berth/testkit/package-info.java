/**
 * Fixtures for tests that drive real things: use {@code berth-testkit} at test scope.
 *
 * <ul>
 *   <li>{@link dev.berth.testkit.Exec}: run a program with a deadline, capture exit code, stdout, stderr.
 *   <li>{@link dev.berth.testkit.ServerProcess}: a background server, ready once a line of its output
 *       matches (e.g. {@code listening on http://...}); {@code kill()} is a {@code kill -9}.
 *   <li>{@link dev.berth.testkit.Peers}: find peer programs; a missing one fails naming its Debian
 *       package, or skips the test when {@code BERTH_PEERS_OPTIONAL=true}.
 *   <li>{@link dev.berth.testkit.Htpasswd}: users files written by the real {@code htpasswd -B}.
 *   <li>{@link dev.berth.testkit.DistributionRegistry}: Debian's {@code docker-registry} (CNCF
 *       distribution 2.8) on a loopback port with htpasswd auth.
 *   <li>{@link dev.berth.testkit.SyntheticImage} and {@link dev.berth.testkit.SyntheticIndex}:
 *       deterministic small images (and multi-platform indexes) as OCI layouts, OCI archives and
 *       {@code docker save} tars.
 *   <li>{@link dev.berth.testkit.FreePort}, {@link dev.berth.testkit.TempDirs}: small helpers.
 * </ul>
 */
package dev.berth.testkit;
