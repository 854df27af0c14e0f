package dev.jfs.cli;

import java.util.List;

/** Prints rows as columns padded to their widest cell, as docker's tables. */
final class Table {
    private Table() {}

    static void print(List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) for (int c = 0; c < cols; c++) w[c] = Math.max(w[c], r[c].length());
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            for (int c = 0; c < cols; c++) {
                b.append(r[c]);
                if (c < cols - 1) b.append(" ".repeat(w[c] - r[c].length() + 3));
            }
            b.append('\n');
        }
        System.out.print(b);
    }
}
