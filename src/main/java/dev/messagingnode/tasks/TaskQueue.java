package dev.messagingnode.tasks;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Predicate;

/**
 * Ready tasks by priority: 0 to 9, higher first, first-in first-out within a priority. Tasks handed back
 * (nacked, timed out, worker gone) go to the head of their priority: they are older than those behind them.
 */
final class TaskQueue {

    static final int PRIORITIES = 10;

    @SuppressWarnings("unchecked")
    private final ArrayDeque<PendingTask>[] byPriority = new ArrayDeque[PRIORITIES];
    private int size;

    TaskQueue() {
        for (int i = 0; i < PRIORITIES; i++) {
            byPriority[i] = new ArrayDeque<>();
        }
    }

    void add(PendingTask task) {
        byPriority[task.priority].addLast(task);
        size++;
    }

    void addFirst(PendingTask task) {
        byPriority[task.priority].addFirst(task);
        size++;
    }

    int size() {
        return size;
    }

    int size(int priority) {
        return byPriority[priority].size();
    }

    /**
     * Removes and returns the first task, in priority order, that {@code take} accepts, looking at no more than
     * {@code scanLimit} tasks; null when none is accepted.
     */
    PendingTask poll(Predicate<PendingTask> take, int scanLimit) {
        int seen = 0;
        for (int p = PRIORITIES - 1; p >= 0 && seen < scanLimit; p--) {
            Iterator<PendingTask> it = byPriority[p].iterator();
            while (it.hasNext() && seen++ < scanLimit) {
                PendingTask t = it.next();
                if (take.test(t)) {
                    it.remove();
                    size--;
                    return t;
                }
            }
        }
        return null;
    }

    /** Removes one task wherever it waits. */
    boolean remove(PendingTask task) {
        if (byPriority[task.priority].remove(task)) {
            size--;
            return true;
        }
        return false;
    }

    void clear() {
        for (ArrayDeque<PendingTask> q : byPriority) {
            q.clear();
        }
        size = 0;
    }
}
