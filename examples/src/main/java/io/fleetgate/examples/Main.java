package io.fleetgate.examples; public final class Main { public static void main(String[] a) {} }
