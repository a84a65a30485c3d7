// The outbox (web/js/outbox.js): its items, the operations on the list (each returns a
// new list), and how it is kept in storage under a hash of the token.
import { test } from "node:test";
import assert from "node:assert/strict";

import { Outbox, newItem, outboxKey, outboxStore, sha256Hex } from "../../web/js/outbox.js";
import * as connection from "../../web/js/connection.js";

const NOW = Date.parse("2026-11-25T14:00:00Z");

function memoryStorage() {
  const data = new Map();
  return {
    data,
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
  };
}

test("a new item has its own cid; a cid in the payload is not sent as part of it", () => {
  const payload = { text: "Officers rarely explain stops", cid: "mine" };
  const item = newItem("barrier_post", payload, "c-1", new Date(NOW));
  assert.deepEqual(item, {
    cid: "c-1", command: "barrier_post", payload: { text: "Officers rarely explain stops" },
    queued_at: "2026-11-25T14:00:00.000Z",
  });
  assert.equal(payload.cid, "mine", "the caller's object is left alone");
  const a = newItem("vote", {});
  const b = newItem("vote", {});
  assert.match(a.cid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a.cid, b.cid);
});

test("the list's operations return new lists and leave the old one as it was", () => {
  const one = Object.freeze([Object.freeze(newItem("vote", {}, "a", new Date(NOW)))]);
  const two = Outbox.add(one, newItem("vote", {}, "b", new Date(NOW)));
  assert.deepEqual(two.map((i) => i.cid), ["a", "b"]);
  assert.equal(one.length, 1);
  const waiting = Outbox.retryAt(two, "a", NOW + 7000);
  assert.equal(waiting[0].retry_at, "2026-11-25T14:00:07.000Z");
  assert.equal(two[0].retry_at, undefined);
  assert.equal(waiting[1], two[1], "the others are the same items");
  assert.deepEqual(Outbox.remove(waiting, "a").map((i) => i.cid), ["b"]);
  assert.deepEqual(Outbox.remove(waiting, "zzz"), waiting);
  const copies = Outbox.copies(waiting);
  assert.deepEqual(copies, waiting);
  assert.notEqual(copies[0], waiting[0]);
});

test("next: the first item, and how long it must still wait", () => {
  assert.equal(Outbox.next([], NOW), null);
  const items = [newItem("vote", {}, "a", new Date(NOW)), newItem("vote", {}, "b", new Date(NOW))];
  assert.deepEqual(Outbox.next(items, NOW), { item: items[0], wait: 0 });
  const waiting = Outbox.retryAt(items, "a", NOW + 5000);
  assert.equal(Outbox.next(waiting, NOW).wait, 5000);
  assert.equal(Outbox.next(waiting, NOW + 5000).wait, 0);
  assert.equal(Outbox.next(waiting, NOW + 9000).wait, 0, "a time gone by: now");
  assert.equal(Outbox.next([{ ...items[0], retry_at: "garbage" }], NOW).wait, 0);
});

test("kept in storage under a hash of the token, never the token; an empty outbox leaves no key", () => {
  const storage = memoryStorage();
  const store = outboxStore("secret-token", storage);
  assert.equal(store.key, outboxKey("secret-token"));
  assert.equal(store.key, `cg.outbox.${sha256Hex("secret-token").slice(0, 16)}`);
  assert.ok(!store.key.includes("secret-token"));
  const items = [newItem("vote", { barrier_id: 3 }, "a", new Date(NOW))];
  store.save(items);
  assert.deepEqual(JSON.parse(storage.data.get(store.key)), items);
  assert.deepEqual(outboxStore("secret-token", storage).load(), items, "a reload finds it");
  assert.deepEqual(outboxStore("another-token", storage).load(), []);
  store.save([]);
  assert.equal(storage.data.size, 0);
});

test("what is stored and is not an item is left out; broken or blocked storage is an empty outbox", () => {
  const storage = memoryStorage();
  const store = outboxStore("t", storage);
  storage.setItem(store.key, JSON.stringify([{ cid: "a", command: "vote", payload: {} }, { cid: "b" }, null, 7]));
  assert.deepEqual(store.load().map((i) => i.cid), ["a"]);
  storage.setItem(store.key, "{not json");
  assert.deepEqual(store.load(), []);
  storage.setItem(store.key, JSON.stringify({ cid: "a", command: "vote" }));
  assert.deepEqual(store.load(), []);
  const blocked = { getItem() { throw new Error("SecurityError"); }, setItem() { throw new Error("QuotaExceededError"); } };
  const b = outboxStore("t", blocked);
  assert.deepEqual(b.load(), []);
  assert.doesNotThrow(() => b.save([{ cid: "a", command: "vote" }]));
});

test("sha256Hex is SHA-256", () => {
  assert.equal(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(sha256Hex("a".repeat(1000)), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
});

test("connection.js still exports what it did", () => {
  assert.deepEqual(Object.keys(connection).sort(),
    ["connect", "newCid", "outboxKey", "resumeFrom", "retryAfterMs", "sha256Hex"]);
});
