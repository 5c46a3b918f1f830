"""An independent reference model of allot's domain (SPEC.md §1), for the
differential test.  Written from SPEC.md §1 and docs/domain.md, not from
src/domain/product.c: plain Python lists and dicts, no cleverness.

State: batches (ref -> Batch), lines ((orderid, sku) -> Line).  A line's `batch` is
a ref or None (a backorder).  `seq` is the moment of first request; batches have a
creation `seq` from the same counter.  Events are tuples (type, fields dict).
"""

import datetime


class Refused(Exception):
    pass


class Batch:
    def __init__(self, ref, sku, qty, eta, seq):
        self.ref, self.sku, self.qty, self.eta, self.seq = ref, sku, qty, eta, seq


class Line:
    def __init__(self, orderid, sku, qty, seq):
        self.orderid, self.sku, self.qty, self.seq = orderid, sku, qty, seq
        self.batch = None


def pref_key(b):
    """§1.1: in the warehouse first, then ETA ascending, then creation order."""
    return (0 if b.eta is None else 1, b.eta or "", b.seq)


class Model:
    def __init__(self):
        self.batches = {}
        self.lines = {}
        self.skus = set()
        self.counter = 0
        self.events = []

    # ---- helpers ----
    def _next(self):
        self.counter += 1
        return self.counter

    def allocated(self, ref):
        return sum(l.qty for l in self.lines.values() if l.batch == ref)

    def available(self, ref):
        return self.batches[ref].qty - self.allocated(ref)

    def batches_of(self, sku):
        return sorted((b for b in self.batches.values() if b.sku == sku), key=pref_key)

    def backorders_of(self, sku):
        return sorted((l for l in self.lines.values() if l.sku == sku and l.batch is None),
                      key=lambda l: l.seq)

    def first_with_room(self, sku, qty):
        for b in self.batches_of(sku):
            if self.available(b.ref) >= qty:
                return b
        return None

    def emit(self, type_, **fields):
        self.events.append((type_, fields))

    def line_event(self, type_, l, **extra):
        self.emit(type_, orderid=l.orderid, sku=l.sku, qty=l.qty, **extra)

    def retry(self, sku, removed):
        """Rule 6.  `removed`: ref each line removed by rule 3 in this command left.
        Returns nothing; emits Allocated / Reallocated; removed lines that land
        back on their batch emit nothing (they are popped from `removed`)."""
        for l in self.backorders_of(sku):
            b = self.first_with_room(sku, l.qty)
            if b is None:
                continue
            l.batch = b.ref
            key = (l.orderid, l.sku)
            if key in removed:
                src = removed.pop(key)
                if src != b.ref:
                    self.line_event("Reallocated", l, **{"from": src, "to": b.ref})
            else:
                self.line_event("Allocated", l, batchref=b.ref)

    # ---- commands (each: refuse with nothing changed, or apply) ----
    def allocate(self, orderid, sku, qty):
        if sku not in self.skus:
            raise Refused("invalid sku " + sku)
        key = (orderid, sku)
        if key in self.lines:
            if self.lines[key].qty == qty:
                return
            raise Refused("qty mismatch")
        l = Line(orderid, sku, qty, self._next())
        self.lines[key] = l
        b = self.first_with_room(sku, qty)
        if b is None:
            self.line_event("OutOfStock", l)
        else:
            l.batch = b.ref
            self.line_event("Allocated", l, batchref=b.ref)

    def add_batch(self, ref, sku, qty, eta):
        if ref in self.batches:
            raise Refused("duplicate batch reference")
        self.skus.add(sku)
        self.batches[ref] = Batch(ref, sku, qty, eta, self._next())
        self.emit("BatchCreated", ref=ref, sku=sku, qty=qty, eta=eta)
        self.retry(sku, {})

    def change_qty(self, ref, qty):
        if ref not in self.batches:
            raise Refused("unknown batch")
        b = self.batches[ref]
        if b.qty == qty:
            return
        self.emit("BatchQuantityChanged", ref=ref, old=b.qty, new=qty)
        b.qty = qty
        removed = {}
        order = []
        while self.allocated(ref) > qty:
            newest = max((l for l in self.lines.values() if l.batch == ref), key=lambda l: l.seq)
            newest.batch = None
            removed[(newest.orderid, newest.sku)] = ref
            order.append(newest)
        self.retry(b.sku, removed)
        # Still backordered: Deallocated, after the retry's events, oldest first
        # (docs/domain.md rule 3).
        for l in sorted(order, key=lambda l: l.seq):
            if (l.orderid, l.sku) in removed and l.batch is None:
                self.line_event("Deallocated", l, batchref=ref)

    def set_eta(self, ref, eta):
        if ref not in self.batches:
            raise Refused("unknown batch")
        b = self.batches[ref]
        if b.eta == eta:
            return
        self.emit("BatchEtaChanged", ref=ref, old=b.eta, new=eta)
        b.eta = eta
        for l in sorted((l for l in self.lines.values() if l.batch == ref), key=lambda l: l.seq):
            for other in self.batches_of(b.sku):
                if other.ref == ref:
                    break  # only batches that now sort before this one
                if self.available(other.ref) >= l.qty:
                    l.batch = other.ref
                    self.line_event("Reallocated", l, **{"from": ref, "to": other.ref})
                    break
        self.retry(b.sku, {})

    def cancel(self, orderid, sku):
        if sku not in self.skus:
            raise Refused("invalid sku " + sku)
        key = (orderid, sku)
        if key not in self.lines:
            raise Refused("unknown order line")
        l = self.lines.pop(key)
        self.line_event("OrderLineCancelled", l, batchref=l.batch)
        self.retry(sku, {})

    # ---- exports, as SPEC §4 writes them ----
    def export_batches(self):
        rows = [(b.ref, b.sku, str(b.qty), b.eta or "") for b in self.batches.values()]
        return sorted(rows, key=lambda r: r[0].encode())

    def export_allocations(self):
        rows = [(l.orderid, l.sku, str(l.qty), l.batch) for l in self.lines.values()
                if l.batch is not None]
        return sorted(rows, key=lambda r: (r[0].encode(), r[1].encode()))

    def export_backorders(self):
        rows = [(l.orderid, l.sku, str(l.qty)) for l in self.lines.values() if l.batch is None]
        return sorted(rows, key=lambda r: (r[0].encode(), r[1].encode()))


# ---- the edge: tokens and validation (SPEC.md §1.3, §4), written independently ----

def tokenize(line):
    """Blank-separated tokens; double quotes group, with \\" and \\\\ inside."""
    s = line.strip()
    if not s or s.startswith("#"):
        return []
    toks, cur, have, quoted, i = [], [], False, False, 0
    while i < len(s):
        c = s[i]
        if quoted:
            if c == "\\" and i + 1 < len(s) and s[i + 1] in "\"\\":
                cur.append(s[i + 1])
                i += 1
            elif c == '"':
                quoted = False
            else:
                cur.append(c)
        elif c in " \t":
            if have:
                toks.append("".join(cur))
                cur, have = [], False
        elif c == '"':
            quoted, have = True, True
        else:
            cur.append(c)
            have = True
        i += 1
    if quoted:
        raise Refused("unterminated quote")
    if have:
        toks.append("".join(cur))
    return toks


def check_id(text):
    t = text.strip(" \t")
    b = t.encode("utf-8")
    if not 1 <= len(b) <= 64:
        raise Refused("bad id")
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in t):
        raise Refused("control character")
    return t


def check_int(text, lo, hi):
    t = text.strip(" \t")
    body = t[1:] if t[:1] == "+" else t
    if not body or not all("0" <= ch <= "9" for ch in body):
        raise Refused("not a whole number")
    v = int(body)
    if not lo <= v <= hi:
        raise Refused("out of range")
    return v


def check_eta(text):
    t = text.strip(" \t")
    if t in ("", "-"):
        return None
    if len(t) != 10 or t[4] != "-" or t[7] != "-":
        raise Refused("not a date")
    try:
        return datetime.date(int(t[:4]), int(t[5:7]), int(t[8:])).isoformat()
    except ValueError:
        raise Refused("not a calendar date")


ARITY = {"add-batch": (3, 4), "allocate": (3, 3), "cancel": (2, 2), "change-qty": (2, 2),
         "set-eta": (2, 2)}
QMAX = 1_000_000_000


def run_line(model, line):
    """Runs one exec line; returns True if it was refused (nothing changed)."""
    try:
        toks = tokenize(line)
        if not toks:
            return False
        name, args = toks[0], toks[1:]
        if name not in ARITY:
            raise Refused("unknown command")
        lo, hi = ARITY[name]
        if not lo <= len(args) <= hi:
            raise Refused("arity")
        if name == "add-batch":
            ref, sku = check_id(args[0]), check_id(args[1])
            qty = check_int(args[2], 0, QMAX)
            eta = check_eta(args[3]) if len(args) == 4 else None
            model.add_batch(ref, sku, qty, eta)
        elif name == "allocate":
            orderid, sku = check_id(args[0]), check_id(args[1])
            model.allocate(orderid, sku, check_int(args[2], 1, QMAX))
        elif name == "cancel":
            model.cancel(check_id(args[0]), check_id(args[1]))
        elif name == "change-qty":
            ref = check_id(args[0])
            model.change_qty(ref, check_int(args[1], 0, QMAX))
        elif name == "set-eta":
            ref = check_id(args[0])
            model.set_eta(ref, check_eta(args[1]))
        return False
    except Refused:
        return True
