package dev.berth.cli.format;

import java.time.Duration;

/**
 * Sizes and durations as docker prints them (its go-units library): decimal units ({@code kB},
 * {@code MB}), a number printed like Go's {@code %g} (so 999.9 kB at three digits is
 * {@code 1e+03kB}, as docker shows it), and "About an hour" style durations.
 */
public final class Units {
  private static final String[] DECIMAL = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};

  /** go-units {@code HumanSize}: four significant digits. */
  public static String humanSize(long bytes) {
    return humanSize(bytes, 4);
  }

  /** go-units {@code HumanSizeWithPrecision}: what {@code docker images} uses, with 3. */
  public static String humanSize(double size, int precision) {
    int unit = 0;
    while (size >= 1000 && unit < DECIMAL.length - 1) {
      size /= 1000;
      unit++;
    }
    return goG(size, precision) + DECIMAL[unit];
  }

  /**
   * Go's {@code strconv.FormatFloat(v, 'g', precision, 64)} for a non-negative finite value:
   * {@code precision} significant digits, trailing zeros dropped, exponent form when the exponent
   * is below -4 or reaches the precision. (Plain double arithmetic on purpose: BigDecimal's class
   * initialisation alone costs a client command tens of milliseconds on JDK 25.)
   */
  static String goG(double value, int precision) {
    if (value == 0) {
      return "0";
    }
    int exponent = (int) Math.floor(Math.log10(value));
    long limit = (long) Math.pow(10, precision);
    long digits = Math.round(Math.rint(value / Math.pow(10, exponent - precision + 1)));
    if (digits >= limit) { // rounding carried into a new digit (999.9 -> 1000)
      exponent++;
      digits = Math.round(Math.rint(value / Math.pow(10, exponent - precision + 1)));
    } else if (digits < limit / 10) { // log10 landed just below an exact power of ten
      exponent--;
      digits = Math.round(Math.rint(value / Math.pow(10, exponent - precision + 1)));
    }
    String text = Long.toString(digits).replaceFirst("0+$", "");
    int significant = text.length();
    int eprec = precision;
    if (eprec > significant && significant >= exponent + 1) {
      eprec = significant;
    }
    if (exponent < -4 || exponent >= eprec) {
      StringBuilder b = new StringBuilder().append(text.charAt(0));
      if (significant > 1) {
        b.append('.').append(text, 1, significant);
      }
      b.append('e').append(exponent < 0 ? '-' : '+');
      int e = Math.abs(exponent);
      return b.append(e < 10 ? "0" : "").append(e).toString();
    }
    if (exponent < 0) {
      return "0." + "0".repeat(-exponent - 1) + text;
    }
    if (significant <= exponent + 1) {
      return text + "0".repeat(exponent + 1 - significant);
    }
    return text.substring(0, exponent + 1) + "." + text.substring(exponent + 1);
  }

  /** go-units {@code HumanDuration}: "Less than a second" … "3 years". */
  public static String humanDuration(Duration d) {
    long seconds = d.getSeconds();
    if (seconds < 1) {
      return "Less than a second";
    } else if (seconds == 1) {
      return "1 second";
    } else if (seconds < 60) {
      return seconds + " seconds";
    }
    long minutes = seconds / 60;
    if (minutes == 1) {
      return "About a minute";
    } else if (minutes < 60) {
      return minutes + " minutes";
    }
    long hours = (long) (seconds / 3600.0 + 0.5);
    if (hours == 1) {
      return "About an hour";
    } else if (hours < 48) {
      return hours + " hours";
    } else if (hours < 24 * 7 * 2) {
      return hours / 24 + " days";
    } else if (hours < 24 * 30 * 2) {
      return hours / 24 / 7 + " weeks";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 / 30 + " months";
    }
    return seconds / 3600 / 24 / 365 + " years";
  }

  private Units() {}
}
