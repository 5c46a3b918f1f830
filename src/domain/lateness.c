#include "domain/lateness.h"

int32_t lateness_promised(bool allocated, int32_t batch_eta, int32_t today)
{
    if (!allocated)
        return ALLOT_NO_DATE;
    if (batch_eta == ALLOT_NO_ETA || batch_eta < today)
        return today;
    return batch_eta;
}

LineLateness lateness_of_line(bool allocated, int32_t batch_eta, int32_t need, int32_t today)
{
    LineLateness l = {.promised = lateness_promised(allocated, batch_eta, today)};
    if (need == ALLOT_NO_DATE)
        return l;
    if (allocated) {
        if (l.promised > need)
            l.late = l.promised - need;
    } else if (today > need) {
        l.late = today - need;
    } else {
        l.at_risk = true;
    }
    return l;
}

OrderLateness lateness_order_init(void)
{
    OrderLateness o = {.complete = ALLOT_NO_DATE};
    return o;
}

void lateness_order_add(OrderLateness *o, const LineLateness *line)
{
    if (line->late > o->late)
        o->late = line->late;
    if (line->late > 0)
        o->late_lines++;
    o->at_risk |= line->at_risk;
    o->lines++;
    /* complete: the latest promise; one waiting line makes it none for good */
    if (o->waiting)
        return;
    if (line->promised == ALLOT_NO_DATE) {
        o->waiting = true;
        o->complete = ALLOT_NO_DATE;
    } else if (o->complete == ALLOT_NO_DATE || line->promised > o->complete) {
        o->complete = line->promised;
    }
}
