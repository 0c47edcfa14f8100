package samestarters;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A plain Spring Boot app with Virtuoso's starters and libraries but none of its code: what
 * Virtuoso's start-up is measured against, so that what remains is the cost of Virtuoso's own code.
 */
@SpringBootApplication
public class SameStartersApplication {

    public static void main(String[] args) {
        SpringApplication.run(SameStartersApplication.class, args);
    }

}
